// etcdctl 3.4's member commands against a real 3-member etcd 3.4 and a 3-member Cohort
// cluster must print the same (issue 16, "Differential against real etcd": member
// list/add/remove): `member list` (simple, table, json), `member add` with the
// ETCD_NAME/ETCD_INITIAL_CLUSTER/ETCD_INITIAL_CLUSTER_STATE lines it prints, the added member
// started for real from those lines (etcd: /usr/bin/etcd with them as its environment;
// Cohort: `cohort serve --initial-cluster-state existing`), `member update`, `member remove`
// of the joined member and of an original one (each stops itself), and etcd's errors (an
// existing peer URL, a second voter while one is unstarted, unknown and removed ids,
// promoting a voter), and a learner's life: `member add --learner`, promoting it before it
// runs (not in sync), started from the lines printed, serving serializable reads and
// refusing writes and linearizable reads, promoted once caught up, then serving writes.
//
// Only what two clusters cannot share is normalized: member and cluster ids become the
// member's name (<m1>, <cluster>), ports become whose port they are (<m1:peer>), raft terms
// <n>; rows of a member list are sorted (etcd lists by id, and ids differ) and padding is
// collapsed (`%16x` and table widths follow the ids' lengths). Everything else must match.
//
// Fault model: none injected. etcd's strict reconfiguration check answers "unhealthy
// cluster" until every voter has been connected for 5 s (etcdserver isConnectedFullySince);
// Cohort's only asks for a connection now: a change that is refused so is retried until a
// deadline, on both servers alike, where the step is not about that error.

import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { freePort } from '../src/runtime/launcher/free-port.js';
import { until } from '../src/runtime/testing/wait.js';
import type { ApiServer } from './support/api-servers.js';
import { CohortServer } from './support/cohort-server.js';
import { ETCD_BIN, healthy } from './support/etcd.js';
import { describeTranscripts, type EtcdctlOutcome, etcdctl } from './support/etcdctl.js';

/** A member started from what `member add` printed, on either server. */
interface Joiner {
  readonly peerUrl: string;
  /** Starts it from `member add`'s output; resolves with its client endpoint once healthy. */
  start(addOutput: string): Promise<string>;
  /** Bookkeeping once it stopped itself (removed). */
  stopped(): Promise<void>;
}

/** What a run knows: labels for ids and ports, the joined member, the learner's outcome. */
interface Run {
  readonly server: ApiServer;
  readonly first: string;
  /** Hex and decimal member ids, and ports, to the label they are printed as. */
  readonly labels: Map<string, string>;
  /** Member name → hex id. */
  readonly ids: Map<string, string>;
  /** Member name → peer URL. */
  readonly peers: Map<string, string>;
  joiner?: Joiner;
  /** m4's client endpoint once it runs. */
  m4?: string;
  /** What the last successful `member add m4` printed. */
  addOutput?: string;
  /** The learner l1, its client endpoint once it runs, and what `member add l1` printed. */
  learner?: Joiner;
  l1?: string;
  learnerAdd?: string;
}

interface Step {
  readonly title: string;
  readonly args: (r: Run) => Promise<readonly string[]> | readonly string[];
  /** Retry while etcd's strict reconfiguration check says the cluster is not settled. */
  readonly settle?: boolean;
  /** Where the command goes (default: the first member). */
  readonly endpoint?: (r: Run) => string;
  /** What runs before the command. */
  readonly before?: (r: Run) => Promise<void>;
  /** What runs after the command. */
  readonly after?: (r: Run) => Promise<void>;
}

const spawned: ChildProcess[] = [];
const dirs: string[] = [];

afterAll(() => {
  for (const child of spawned) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** Member `name`'s hex id (learnt by the last refresh). */
const id = (r: Run, name: string): string => r.ids.get(name) ?? `no-id-for-${name}`;

const SCRIPT: readonly Step[] = [
  { title: 'member list', args: () => ['member', 'list'] },
  { title: 'member list -w table', args: () => ['member', 'list', '-w', 'table'] },
  { title: 'member list -w json', args: () => ['member', 'list', '-w', 'json'] },
  { title: 'put before the add', args: () => ['put', 'before', '1'] },
  {
    title: 'member add with an existing peer URL',
    args: (r) => ['member', 'add', 'dup', `--peer-urls=${r.peers.get('m1')}`],
    settle: true,
  },
  {
    title: 'member add m4',
    args: async (r) => {
      r.joiner = await joinerOf(r.server);
      r.labels.set(portOf(r.joiner.peerUrl), '<m4:peer>');
      return ['member', 'add', 'm4', `--peer-urls=${r.joiner.peerUrl}`];
    },
    settle: true,
  },
  { title: 'member list with m4 unstarted', args: () => ['member', 'list'] },
  {
    // A second voter while m4 is unstarted: m1 is not connected to m4.
    title: 'member add m5 while m4 is unstarted',
    args: async (r) => ['member', 'add', 'm5', `--peer-urls=${await newPeerUrl(r, 'm5')}`],
  },
  {
    title: 'm4 started as member add said serves what was written before',
    before: async (r) => {
      const endpoint = await (r.joiner as Joiner).start(r.addOutput ?? '');
      r.m4 = endpoint;
      r.labels.set(portOf(endpoint), '<m4:client>');
      await until(async () => {
        const got = await etcdctl(endpoint, ['get', 'before', '--consistency=s']);
        return got.stdout !== '';
      }, 'm4 to have applied the earlier put');
      // m4 publishes its name and client URL once it runs: wait until m1 lists them.
      await until(async () => (await refresh(r)).has('m4'), 'm4 to publish its name');
    },
    endpoint: (r) => r.m4 as string,
    args: () => ['get', 'before', '--consistency=s'],
  },
  {
    title: 'a linearizable get on m4',
    endpoint: (r) => r.m4 as string,
    args: () => ['get', 'before'],
  },
  { title: 'member list with m4 started', args: () => ['member', 'list'] },
  { title: 'member list -w json with m4', args: () => ['member', 'list', '-w', 'json'] },
  {
    title: "member add with m4's peer URL",
    args: (r) => ['member', 'add', 'dup', `--peer-urls=${r.peers.get('m4')}`],
    settle: true,
  },
  { title: 'member remove an unknown id', args: () => ['member', 'remove', '1234abcd'] },
  { title: 'member promote a voter', args: (r) => ['member', 'promote', id(r, 'm2')] },
  { title: 'member promote an unknown id', args: () => ['member', 'promote', '1234abcd'] },
  {
    title: 'member update m2 to its own peer URL',
    args: (r) => ['member', 'update', id(r, 'm2'), `--peer-urls=${r.peers.get('m2')}`],
  },
  {
    title: "member update m2 to m1's peer URL",
    args: (r) => ['member', 'update', id(r, 'm2'), `--peer-urls=${r.peers.get('m1')}`],
  },
  {
    title: 'member update an unknown id',
    args: async (r) => ['member', 'update', '1234abcd', `--peer-urls=${await newPeerUrl(r, 'x')}`],
  },
  {
    title: 'member remove m4 (it stops itself)',
    args: (r) => ['member', 'remove', id(r, 'm4')],
    settle: true,
    after: async (r) => {
      await until(async () => !(await listening(r.m4 as string)), 'm4 to stop itself');
      await r.joiner?.stopped();
    },
  },
  { title: 'member list after removing m4', args: () => ['member', 'list', '-w', 'table'] },
  {
    title: 'member remove m3 (it stops itself)',
    args: (r) => ['member', 'remove', id(r, 'm3')],
    settle: true,
    after: async (r) => {
      const m3 = r.server.endpoints[2] as string;
      await until(async () => !(await listening(m3)), 'm3 to stop itself');
      await r.server.stopMember(2);
      // Losing m3 may have cost the leader: the next steps need one (a busy etcd answered
      // "context deadline exceeded" while it elected).
      const first = Number((r.server.endpoints[0] as string).split(':')[1]);
      await until(() => healthy(first, undefined), 'the two left to have a leader');
    },
  },
  { title: 'member remove m3 again', args: (r) => ['member', 'remove', id(r, 'm3')] },
  { title: 'member list -w json after removals', args: () => ['member', 'list', '-w', 'json'] },
  { title: 'put on the two left', args: () => ['put', 'after', '2'] },
  { title: 'get everything', args: () => ['get', '', '--prefix', '-w', 'json'] },
  {
    title: 'member add l1 --learner',
    args: async (r) => {
      r.learner = await joinerOf(r.server, 'l1');
      r.labels.set(portOf(r.learner.peerUrl), '<l1:peer>');
      return ['member', 'add', 'l1', '--learner', `--peer-urls=${r.learner.peerUrl}`];
    },
    settle: true,
  },
  {
    title: 'member add a second learner',
    args: async (r) => [
      'member',
      'add',
      'l2',
      '--learner',
      `--peer-urls=${await newPeerUrl(r, 'l2')}`,
    ],
  },
  { title: 'member promote l1 before it runs', args: (r) => ['member', 'promote', id(r, 'l1')] },
  { title: 'member list with the learner', args: () => ['member', 'list', '-w', 'table'] },
  {
    title: 'l1 started as member add said serves a serializable get',
    before: async (r) => {
      const endpoint = await (r.learner as Joiner).start(r.learnerAdd ?? '');
      r.l1 = endpoint;
      r.labels.set(portOf(endpoint), '<l1:client>');
      await until(async () => {
        const got = await etcdctl(endpoint, ['get', 'after', '--consistency=s']);
        return got.stdout !== '';
      }, 'l1 to have applied the last put');
      await until(async () => (await refresh(r)).has('l1'), 'l1 to publish its name');
    },
    endpoint: (r) => r.l1 as string,
    args: () => ['get', '', '--prefix', '--consistency=s'],
  },
  { title: 'a put on the learner', endpoint: (r) => r.l1 as string, args: () => ['put', 'l', '1'] },
  {
    title: 'a linearizable get on the learner',
    endpoint: (r) => r.l1 as string,
    args: () => ['get', 'after'],
  },
  { title: 'member promote l1', args: (r) => ['member', 'promote', id(r, 'l1')], settle: true },
  {
    title: 'a put on l1 once promoted',
    endpoint: (r) => r.l1 as string,
    args: () => ['put', 'promoted', '1'],
  },
  { title: 'member list -w table at the end', args: () => ['member', 'list', '-w', 'table'] },
];

/** A fresh peer URL for a member that will not start; its port is labelled `<name:peer>`. */
async function newPeerUrl(r: Run, name: string): Promise<string> {
  const port = await freePort();
  r.labels.set(String(port), `<${name}:peer>`);
  return `http://127.0.0.1:${port}`;
}

const portOf = (url: string): string => url.replace(/^.*:/, '');

/** Whether something accepts connections on `endpoint` (host:port). */
function listening(endpoint: string): Promise<boolean> {
  const [host, port] = endpoint.split(':') as [string, string];
  return new Promise((resolve) => {
    const socket = net.connect({ host, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** `member list -w json` on the first member: learns ids, names, URLs; returns the names. */
async function refresh(r: Run): Promise<Set<string>> {
  const o = await etcdctl(r.first, ['member', 'list', '-w', 'json']);
  // Ids are uint64: quoted before parsing so they keep every digit.
  const json = o.stdout.replace(/"(ID|cluster_id|member_id)":(\d+)/g, '"$1":"$2"');
  const names = new Set<string>();
  if (o.code !== 0) return names;
  const list = JSON.parse(json) as {
    header: { cluster_id: string };
    members: { ID: string; name?: string; peerURLs?: string[]; clientURLs?: string[] }[];
  };
  label(r, list.header.cluster_id, '<cluster>');
  for (const m of list.members) {
    const peer = m.peerURLs?.[0] ?? '';
    const unstarted = r.joiner?.peerUrl === peer ? 'm4' : r.learner?.peerUrl === peer ? 'l1' : '';
    const name = m.name || unstarted;
    if (name === '') continue;
    if (m.name) names.add(name);
    label(r, m.ID, `<${name}>`);
    r.ids.set(name, BigInt(m.ID).toString(16));
    r.peers.set(name, peer);
    r.labels.set(portOf(peer), `<${name}:peer>`);
    for (const c of m.clientURLs ?? []) r.labels.set(portOf(c), `<${name}:client>`);
  }
  return names;
}

/** Labels a uint64 id in both the forms etcdctl prints: decimal (json) and hex. */
function label(r: Run, decimal: string, text: string): void {
  r.labels.set(decimal, text);
  r.labels.set(BigInt(decimal).toString(16), text);
}

/** Replaces ids and ports by labels, terms by <n>, sorts member rows, collapses padding. */
function normalize(r: Run, text: string): string {
  const labelled = text
    .replace(/\b[0-9a-f]{6,20}\b/g, (w) => r.labels.get(w) ?? w)
    .replace(/127\.0\.0\.1:(\d+)/g, (_, p: string) => `127.0.0.1:${r.labels.get(p) ?? '<port>'}`)
    .replace(/"raft_term":\d+/g, '"raft_term":<n>')
    .replace(/ {2,}/g, ' ')
    .replace(/^\+[-+]+\+$/gm, (border) => border.replace(/-+/g, '-'));
  return sortRows(labelled.split('\n').map(sortLine).join('\n'));
}

type Listed = { name?: string; peerURLs?: string[] };
const memberKey = (m: Listed) => `${m.name}/${m.peerURLs}`;

/** A json member list's members and ETCD_INITIAL_CLUSTER's entries, sorted (by id before). */
function sortLine(line: string): string {
  const initial = /^ETCD_INITIAL_CLUSTER="(.*)"$/.exec(line);
  if (initial !== null) return `ETCD_INITIAL_CLUSTER="${initial[1]?.split(',').sort().join(',')}"`;
  if (!line.startsWith('{')) return line;
  // Labels are quoted so that the line parses again.
  const json = JSON.parse(line.replace(/":(<[^>]+>)/g, '":"$1"')) as { members?: Listed[] };
  json.members?.sort((a, b) => memberKey(a).localeCompare(memberKey(b)));
  return JSON.stringify(json);
}

/** Member rows (simple: `<m1>, …`; table: `| <m1> | …`), sorted in place. */
function sortRows(text: string): string {
  const lines = text.split('\n');
  const isRow = (l: string) => /^(\| )?<(m\d|l\d|unknown)[^>]*>,? /.test(l);
  const rows = lines.filter(isRow).sort();
  return lines.map((l) => (isRow(l) ? (rows.shift() as string) : l)).join('\n');
}

/** Runs a step's command on the first member, retried while etcd's strict check refuses. */
async function command(r: Run, step: Step, args: readonly string[]): Promise<EtcdctlOutcome> {
  const endpoint = step.endpoint?.(r) ?? r.first;
  let o = await etcdctl(endpoint, args);
  if (step.settle !== true) return o;
  await until(async () => {
    // etcd's strict reconfiguration check, or a learner still catching up before promotion.
    const unsettled = ['unhealthy cluster', 'in sync with leader'];
    if (!unsettled.some((text) => o.stderr.includes(text))) return true;
    await new Promise((resolve) => setTimeout(resolve, 500));
    o = await etcdctl(endpoint, args);
    return false;
  }, `${step.title}: the cluster to settle`);
  return o;
}

async function run(server: ApiServer): Promise<string[]> {
  const r: Run = {
    server,
    first: server.endpoints[0] as string,
    labels: new Map(),
    ids: new Map(),
    peers: new Map(),
  };
  for (const [i, e] of server.endpoints.entries()) r.labels.set(portOf(e), `<m${i + 1}:client>`);
  const out: string[] = [];
  for (const step of SCRIPT) {
    await refresh(r);
    await step.before?.(r);
    const args = await step.args(r);
    const o = await command(r, step, args);
    if (args[1] === 'add' && args[2] === 'm4' && o.code === 0) r.addOutput = o.stdout;
    if (args[1] === 'add' && args[2] === 'l1' && o.code === 0) r.learnerAdd = o.stdout;
    await step.after?.(r);
    await refresh(r);
    out.push(normalize(r, `$ etcdctl ${args.join(' ')}\n${o.stdout}${o.stderr}\n[exit ${o.code}]`));
  }
  return out;
}

/** How each server starts the member `member add m4` announced. */
async function joinerOf(server: ApiServer, name = 'm4'): Promise<Joiner> {
  if (server instanceof CohortServer) {
    const { index, peerUrl } = await server.newMember(name);
    return {
      peerUrl,
      start: async (printed) => {
        await server.startJoining(index, envOf(printed).ETCD_INITIAL_CLUSTER ?? '');
        return server.endpoints[index] as string;
      },
      stopped: () => server.stopMember(index),
    };
  }
  const peerPort = await freePort();
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  let child: ChildProcess | undefined;
  return {
    peerUrl,
    start: async (printed) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-etcd-join-'));
      dirs.push(dir);
      const clientPort = await freePort();
      const client = `http://127.0.0.1:${clientPort}`;
      // Exactly the lines member add printed, as an operator would export them; the rest is
      // where this member listens and keeps its data.
      const env = { ...process.env, ...envOf(printed) };
      const args = [
        ...['--data-dir', path.join(dir, name)],
        ...['--listen-client-urls', client, '--advertise-client-urls', client],
        ...['--listen-peer-urls', peerUrl],
        ...['--logger', 'zap', '--log-outputs', 'stderr', '--log-level', 'warn'],
      ];
      child = spawn(ETCD_BIN, args, { env, stdio: 'ignore' });
      spawned.push(child);
      const running = child;
      await until(async () => {
        if (running.exitCode !== null) throw new Error(`etcd ${name} exited (${running.exitCode})`);
        return healthy(clientPort, undefined);
      }, `etcd ${name} to be healthy`);
      return `127.0.0.1:${clientPort}`;
    },
    stopped: async () => {
      const c = child;
      if (c !== undefined && c.exitCode === null && c.signalCode === null)
        await new Promise((resolve) => c.once('exit', resolve));
    },
  };
}

/** The ETCD_*="…" lines of `member add`'s output. */
function envOf(printed: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const m of printed.matchAll(/^(ETCD_[A-Z_]+)="([^"]*)"$/gm))
    env[m[1] as string] = m[2] as string;
  return env;
}

describeTranscripts(
  'etcdctl member commands against real etcd and Cohort (3 members)',
  SCRIPT.map((s) => s.title),
  run,
  // MEMBERS_DIFF_DUMP=/tmp/members npx vitest run test/etcdctl-members-diff.test.ts
  'MEMBERS_DIFF_DUMP',
  { members: 3 },
);
