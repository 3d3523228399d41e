// Runs etcdctl 3.4 (Debian's etcd-client, /usr/bin/etcdctl) against a server's endpoints and
// returns what a person would compare: the exit code, stdout, and the last plain line of
// stderr (etcdctl's retry warnings are JSON log lines with timestamps and random ids).
//
// `describeTranscripts` runs one script against a fresh real etcd and a fresh Cohort server
// and checks, step by step, that they print the same.
//
// Fault model: etcdctl may hang (a watch never ends by itself): it is killed after
// `timeoutMs`, and what it printed until then is returned.

import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_SERVERS, type ApiServer } from './api-servers.js';
import type { EtcdOptions } from './etcd.js';

export const ETCDCTL = '/usr/bin/etcdctl';

export interface EtcdctlOutcome {
  readonly code: number;
  readonly stdout: string;
  /** The last line of stderr that is not a JSON log line. */
  readonly stderr: string;
}

export function etcdctl(
  endpoints: string,
  args: readonly string[],
  stdin?: string,
  timeoutMs = 15_000,
): Promise<EtcdctlOutcome> {
  return new Promise((resolve) => {
    const child = execFile(
      ETCDCTL,
      ['--endpoints', endpoints, '--command-timeout', '5s', ...args],
      { env: { ...process.env, ETCDCTL_API: '3' }, timeout: timeoutMs },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        const lines = stderr.split('\n').filter((l) => l !== '' && !l.startsWith('{'));
        resolve({ code, stdout, stderr: lines.at(-1) ?? '' });
      },
    );
    if (stdin !== undefined) child.stdin?.end(stdin);
  });
}

/**
 * One test per step: its masked transcript on Cohort equals etcd's. `run` plays the whole
 * script against one server; `dumpVar` names an environment variable that, when set, is a
 * path prefix to write both transcripts to (for reading them side by side).
 */
export function describeTranscripts(
  title: string,
  steps: readonly string[],
  run: (server: ApiServer) => Promise<string[]>,
  dumpVar: string,
  /** How each server is started (default: one member). */
  options: EtcdOptions = {},
): void {
  describe(title, () => {
    const results = new Map<string, string[]>();
    const servers: ApiServer[] = [];

    beforeAll(async () => {
      for (const kind of API_SERVERS) {
        const server = await kind.start(options);
        servers.push(server);
        results.set(kind.kind, await run(server));
      }
      const dump = process.env[dumpVar];
      if (dump !== undefined)
        for (const [kind, lines] of results) writeFileSync(`${dump}.${kind}.txt`, lines.join('\n'));
    }, 240_000);

    afterAll(async () => {
      await Promise.all(servers.map((s) => s.stop()));
    });

    it.each(steps.map((s, i) => [i, s]))('step %i (%s) prints the same', (i) => {
      const etcd = results.get('etcd')?.[i];
      expect(etcd).toBeDefined();
      expect(results.get('cohort')?.[i]).toBe(etcd);
    });
  });
}
