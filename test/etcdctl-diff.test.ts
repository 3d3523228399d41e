// The same etcdctl 3.4 script against a fresh real etcd and a fresh Cohort server must print
// the same thing, revisions included (issue 16, "Differential against real etcd"). Only what
// must differ between two clusters is masked: member, cluster and lease ids, raft terms,
// timings and addresses. Each step compares stdout, the last line of stderr and the exit
// code, so a failure names the first command whose output differs.
//
// Fault model: none injected — this is the conformance check; faults are tested elsewhere.

import type { ApiServer } from './support/api-servers.js';
import { describeTranscripts, etcdctl } from './support/etcdctl.js';

interface Step {
  readonly args: readonly string[];
  readonly stdin?: string;
  /** Per-server values the step needs, e.g. the lease id granted earlier. */
  readonly dynamic?: (vars: Map<string, string>) => readonly string[];
  /** Remember something of this step's output for later steps. */
  readonly capture?: (stdout: string, vars: Map<string, string>) => void;
}

/** Masks what two different clusters cannot share. */
function mask(text: string): string {
  return text
    .replace(/"(cluster_id|member_id|ID|leader|raft_term|raftTerm)":\s*\d+/g, '"$1":<n>')
    .replace(/\b[0-9a-f]{14,16}\b/g, '<id>')
    .replace(/took = [\d.]+[µm]?s/g, 'took = <t>')
    .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>');
}

const big = 'x'.repeat(1.6 * 1024 * 1024);
const ops129 = `\n${Array.from({ length: 129 }, (_, i) => `put k${i} v`).join('\n')}\n\n\n`;

const SCRIPT: readonly Step[] = [
  { args: ['put', 'a', '1'] },
  { args: ['put', 'b', '2'] },
  { args: ['put', 'c', '3', '--prev-kv'] },
  { args: ['put', 'a', '11', '--prev-kv'] },
  { args: ['get', 'a'] },
  { args: ['get', 'a', '-w', 'json'] },
  { args: ['get', '', '--prefix', '--keys-only'] },
  { args: ['get', 'a', '--rev', '2'] },
  { args: ['get', '', '--prefix', '--limit', '2', '-w', 'json'] },
  { args: ['get', '', '--prefix', '--sort-by', 'MODIFY', '--order', 'DESCEND'] },
  { args: ['get', '', '--prefix', '--keys-only', '-w', 'json'] },
  { args: ['get', 'a', '--from-key'] },
  { args: ['del', 'b'] },
  { args: ['del', 'nothing-here'] },
  { args: ['txn'], stdin: 'value("a") = "11"\n\nput t yes\nget a\n\nput t no\n\n' },
  { args: ['txn', '-w', 'json'], stdin: 'mod("a") > "100"\n\nput t yes\n\nget a\n\n' },
  { args: ['get', 't'] },
  { args: ['compaction', '3'] },
  { args: ['get', 'a', '--rev', '2'] },
  { args: ['get', 'a', '--rev', '1000'] },
  { args: ['put', '', 'x'] },
  { args: ['put', 'k', 'v', '--lease', '1234abcd'] },
  { args: ['txn'], stdin: ops129 },
  { args: ['put', 'big'], stdin: big },
  {
    args: ['lease', 'grant', '300'],
    capture: (out, vars) => vars.set('lease', out.split(' ')[1] ?? ''),
  },
  { args: [], dynamic: (v) => ['put', 'leased', 'v', '--lease', v.get('lease') ?? ''] },
  { args: [], dynamic: (v) => ['lease', 'timetolive', v.get('lease') ?? '', '--keys'] },
  { args: ['lease', 'list'] },
  { args: [], dynamic: (v) => ['lease', 'revoke', v.get('lease') ?? ''] },
  { args: ['get', 'leased'] },
  { args: ['lease', 'timetolive', '1234abcd'] },
  { args: ['watch', 'a', '--rev', '1'] },
  { args: ['watch', '', '--prefix', '--rev', '4', '--prev-kv'] },
  { args: ['del', '', '--prefix', '--prev-kv'] },
  { args: ['get', '', '--prefix', '-w', 'json'] },
  { args: ['endpoint', 'health'] },
];

/** Runs the script; `watch` is given a moment to print history, then stopped. */
async function run(server: ApiServer): Promise<string[]> {
  const endpoints = server.endpoints.join(',');
  const vars = new Map<string, string>();
  const out: string[] = [];
  for (const step of SCRIPT) {
    const args = step.dynamic?.(vars) ?? step.args;
    // A watch never ends by itself: it prints the history (well within 4 s, even on a busy
    // machine), then is stopped.
    const o = await etcdctl(endpoints, args, step.stdin, args[0] === 'watch' ? 4000 : 15_000);
    step.capture?.(o.stdout, vars);
    out.push(
      mask(`$ etcdctl ${args.join(' ').slice(0, 60)}\n${o.stdout}${o.stderr}\n[exit ${o.code}]`),
    );
  }
  return out;
}

describeTranscripts(
  'etcdctl against real etcd and Cohort',
  SCRIPT.map((s) => (s.args[0] ?? s.dynamic?.(new Map())[0]) as string),
  run,
  // ETCD_DIFF_DUMP=/tmp/diff npx vitest run test/etcdctl-diff.test.ts writes both transcripts.
  'ETCD_DIFF_DUMP',
);
