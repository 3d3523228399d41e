// Runs etcdctl 3.4 (Debian's etcd-client, /usr/bin/etcdctl) against a server's endpoints and
// returns what a person would compare: the exit code, stdout, and the last plain line of
// stderr (etcdctl's retry warnings are JSON log lines with timestamps and random ids).
//
// Fault model: etcdctl may hang (a watch never ends by itself): it is killed after
// `timeoutMs`, and what it printed until then is returned.

import { execFile } from 'node:child_process';

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
