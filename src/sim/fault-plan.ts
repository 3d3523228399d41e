// Fault plans as text. One fault per line or `;`-separated:
//
//   crash 3 @2000            restart 3 @5s             pause 2 @1000..1500
//   partition 1,2|3,4,5 @3000..8000                    isolate 4 @100..900
//   block 1,2->3 @0..500     (one-way: 1 and 2 cannot reach 3; 3 still reaches them)
//   heal @9000               (ends every partition and block)
//   drop 0.05   dup 1%   reorder 0.1   delay 5..50    (optionally windowed: @0..8000)
//   corrupt 5%               (a message arrives malformed: the receiver's parser drops it)
//   link 1->2 drop 0.5       link 1-2 delay 100..200   (per-link overrides; `-` = both ways)
//   drift 3 +500ppm          (node 3's clock runs 500 parts per million fast)
//   disk 3 tear @2s..3s      (node 3's first step that writes in the window is torn on disk
//                             and the node stops, until the window ends; also `lose` and
//                             `fail-sync`: sim-storage.ts. Without an end it stays down.)
//
// Times are milliseconds unless suffixed `s`; a window is `@A..B` (or `@A-B`). Node groups
// may be braced: `{1,2}|{3,4,5}`. Rates are fractions or percentages. Errors name the
// character position and what was expected, so the CLI can answer in one line. Impossible
// plans are errors too: a node id beyond the cluster, a one-way cut from a node to itself
// (`block 1->1`), and — for a plan that is a run's whole history from its start, every node
// up (`fromStart`, as the simulator runs one) — a restart before any crash of its node.

import type { NodeId } from '../core/process.js';
import { DISK_FAULT_MODES, type DiskFaultMode } from './sim-storage.js';

export type NetworkParam = 'drop' | 'dup' | 'reorder' | 'corrupt' | 'delay';

export interface RateRule {
  readonly kind: 'rate';
  readonly param: NetworkParam;
  /** For drop/dup/reorder/corrupt: parts per million. For delay: [minMs, maxMs]. */
  readonly value: number | readonly [number, number];
  readonly fromMs: number;
  readonly untilMs: number | undefined;
  readonly link: { readonly from: NodeId; readonly to: NodeId; readonly both: boolean } | undefined;
}

export type FaultEvent =
  | { readonly kind: 'crash' | 'restart' | 'resume'; readonly node: NodeId; readonly atMs: number }
  | {
      readonly kind: 'pause';
      readonly node: NodeId;
      readonly atMs: number;
      readonly untilMs: number | undefined;
    }
  | {
      readonly kind: 'partition';
      readonly groups: readonly (readonly NodeId[])[];
      readonly atMs: number;
      readonly untilMs: number | undefined;
    }
  | {
      readonly kind: 'block';
      readonly from: readonly NodeId[];
      readonly to: readonly NodeId[];
      readonly atMs: number;
      readonly untilMs: number | undefined;
    }
  | { readonly kind: 'heal'; readonly atMs: number }
  | {
      readonly kind: 'disk';
      readonly node: NodeId;
      readonly mode: DiskFaultMode;
      readonly atMs: number;
      readonly untilMs: number | undefined;
    }
  | { readonly kind: 'drift'; readonly node: NodeId; readonly ppm: number }
  | RateRule;

export interface FaultPlan {
  readonly faults: readonly FaultEvent[];
}

export class FaultPlanError extends Error {
  override readonly name = 'FaultPlanError';
  constructor(
    /** 1-based character position in the plan text. */
    readonly position: number,
    readonly expected: string,
    readonly found: string,
  ) {
    super(`bad fault plan at character ${position}: expected ${expected}, found ${found}`);
  }
}

interface Token {
  readonly text: string;
  readonly position: number;
}

class Line {
  private index = 0;
  constructor(
    private readonly tokens: readonly Token[],
    readonly endPosition: number,
  ) {}

  get done(): boolean {
    return this.index >= this.tokens.length;
  }

  peek(): Token | undefined {
    return this.tokens[this.index];
  }

  take(expected: string): Token {
    const token = this.tokens[this.index];
    if (token === undefined) throw new FaultPlanError(this.endPosition, expected, 'end of line');
    this.index++;
    return token;
  }

  fail(expected: string, token?: Token): never {
    const t = token ?? this.peek();
    if (t === undefined) throw new FaultPlanError(this.endPosition, expected, 'end of line');
    throw new FaultPlanError(t.position, expected, `'${t.text}'`);
  }
}

function tokenize(text: string): { tokens: Token[]; end: number }[] {
  const lines: { tokens: Token[]; end: number }[] = [];
  let current: Token[] = [];
  const re = /[^\s;]+|;|\n/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m[0] === ';' || m[0] === '\n') {
      if (current.length > 0) lines.push({ tokens: current, end: m.index + 1 });
      current = [];
    } else if (m[0].startsWith('#')) {
      // A comment runs to the end of the line.
      const nl = text.indexOf('\n', m.index);
      re.lastIndex = nl === -1 ? text.length : nl;
    } else {
      current.push({ text: m[0], position: m.index + 1 });
    }
  }
  if (current.length > 0) lines.push({ tokens: current, end: text.length + 1 });
  return lines;
}

function parseNode(line: Line, nodes: number): NodeId {
  const token = line.take('a node id');
  return nodeFrom(line, token, token.text, nodes);
}

/**
 * A node id written inside `token`, `offset` characters in: an error points at the id
 * itself (the 9 of `block 1,9->2`), not at the start of the token.
 */
function nodeFrom(line: Line, token: Token, text: string, nodes: number, offset = 0): NodeId {
  const at = offset === 0 ? token : { text, position: token.position + offset };
  if (!/^\d+$/.test(text)) line.fail('a node id', at);
  const id = Number(text);
  if (id < 1 || id > nodes) line.fail(`a node id in 1..${nodes}`, at);
  return id;
}

/** A group like `1,2` or `{1,2}` that starts `offset` characters into `token`. */
function parseGroup(
  line: Line,
  token: Token,
  text: string,
  nodes: number,
  offset: number,
): NodeId[] {
  const open = text.startsWith('{') ? 1 : 0;
  const inner = text.slice(open).replace(/\}$/, '');
  if (inner === '') line.fail('a node group like 1,2', token);
  let at = offset + open;
  return inner.split(',').map((part) => {
    const id = nodeFrom(line, token, part, nodes, at);
    at += part.length + 1;
    return id;
  });
}

function parseTimeText(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(text);
  if (m === null) return undefined;
  const value = Number(m[1]);
  return m[2] === 's' ? value * 1000 : value;
}

/** `@T` or `@A..B` / `@A-B`. */
function parseWhen(
  line: Line,
  opts: { window: boolean },
): { atMs: number; untilMs: number | undefined } {
  const what = opts.window ? 'a time like @2000 or a window like @3000..8000' : 'a time like @2000';
  const token = line.take(what);
  if (!token.text.startsWith('@')) line.fail(what, token);
  const body = token.text.slice(1);
  const parts = opts.window ? body.split(/\.\.|-(?=\d)/) : [body];
  if (parts.length > 2) line.fail(what, token);
  const atMs = parseTimeText(parts[0] ?? '');
  if (atMs === undefined) line.fail(what, token);
  if (parts.length === 1) return { atMs, untilMs: undefined };
  const untilMs = parseTimeText(parts[1] ?? '');
  if (untilMs === undefined || untilMs < atMs)
    line.fail('a window whose end is after its start', token);
  return { atMs, untilMs };
}

function parseRate(line: Line): number {
  const token = line.take('a rate like 0.05 or 5%');
  const pct = token.text.endsWith('%');
  const n = Number(pct ? token.text.slice(0, -1) : token.text);
  const fraction = pct ? n / 100 : n;
  if (!Number.isFinite(fraction) || fraction < 0 || fraction > 1) {
    line.fail('a rate between 0 and 1 (or 0% and 100%)', token);
  }
  return Math.round(fraction * 1_000_000);
}

function parseRange(line: Line): readonly [number, number] {
  const token = line.take('a latency range like 5..50');
  const parts = token.text.split('..');
  const lo = parseTimeText(parts[0] ?? '');
  const hi = parts.length === 2 ? parseTimeText(parts[1] ?? '') : lo;
  if (parts.length > 2 || lo === undefined || hi === undefined || hi < lo) {
    line.fail('a latency range like 5..50 (ms, low..high)', token);
  }
  return [lo, hi];
}

function parseRateRule(line: Line, link: RateRule['link']): RateRule {
  const keyword = line.take('drop, dup, reorder, corrupt or delay');
  let param: NetworkParam;
  let value: RateRule['value'];
  switch (keyword.text) {
    case 'drop':
    case 'dup':
    case 'reorder':
    case 'corrupt':
      param = keyword.text;
      value = parseRate(line);
      break;
    case 'delay':
      param = 'delay';
      value = parseRange(line);
      break;
    default:
      line.fail('drop, dup, reorder, corrupt or delay', keyword);
  }
  let fromMs = 0;
  let untilMs: number | undefined;
  if (!line.done) ({ atMs: fromMs, untilMs } = parseWhen(line, { window: true }));
  return { kind: 'rate', param, value, fromMs, untilMs, link };
}

function parseLink(line: Line, nodes: number): RateRule {
  const token = line.take('a link like 1->2 or 1-2');
  const m = /^(\d+)(->|-)(\d+)$/.exec(token.text);
  if (m === null) line.fail('a link like 1->2 (one way) or 1-2 (both ways)', token);
  const from = nodeFrom(line, token, m[1] ?? '', nodes);
  const to = nodeFrom(line, token, m[3] ?? '', nodes, (m[1] ?? '').length + (m[2] ?? '').length);
  if (from === to) line.fail('a link between two different nodes', token);
  return parseRateRule(line, { from, to, both: m[2] === '-' });
}

function parseDrift(line: Line, nodes: number): FaultEvent {
  const node = parseNode(line, nodes);
  const token = line.take('a drift like +500ppm');
  const m = /^([+-]?\d+)(ppm)?$/.exec(token.text);
  const ppm = m === null ? Number.NaN : Number(m[1]);
  if (!(Math.abs(ppm) < 1_000_000)) line.fail('a drift like +500ppm (|drift| < 1000000)', token);
  return { kind: 'drift', node, ppm };
}

function parseLine(line: Line, nodes: number): FaultEvent {
  const keyword = line.take('a fault');
  switch (keyword.text) {
    case 'crash':
    case 'restart':
    case 'resume': {
      const node = parseNode(line, nodes);
      return { kind: keyword.text, node, atMs: parseWhen(line, { window: false }).atMs };
    }
    case 'pause': {
      const node = parseNode(line, nodes);
      return { kind: 'pause', node, ...parseWhen(line, { window: true }) };
    }
    case 'isolate': {
      const node = parseNode(line, nodes);
      const rest = Array.from({ length: nodes }, (_, i) => i + 1).filter((id) => id !== node);
      return { kind: 'partition', groups: [[node], rest], ...parseWhen(line, { window: true }) };
    }
    case 'partition': {
      const token = line.take('node groups like 1,2|3,4,5');
      let offset = 0;
      const groups = token.text.split('|').map((g) => {
        const group = parseGroup(line, token, g, nodes, offset);
        offset += g.length + 1;
        return group;
      });
      if (groups.length < 2) line.fail('at least two groups separated by |', token);
      const seen = new Set<NodeId>();
      for (const id of groups.flat()) {
        if (seen.has(id)) line.fail(`node ${id} in only one group`, token);
        seen.add(id);
      }
      return { kind: 'partition', groups, ...parseWhen(line, { window: true }) };
    }
    case 'block': {
      const token = line.take('a one-way cut like 1,2->3');
      const sides = token.text.split('->');
      if (sides.length !== 2) line.fail('a one-way cut like 1,2->3', token);
      const from = parseGroup(line, token, sides[0] ?? '', nodes, 0);
      const to = parseGroup(line, token, sides[1] ?? '', nodes, (sides[0] ?? '').length + 2);
      // A node cannot be cut off from itself: `block 1->1` would silently do nothing.
      const both = from.find((id) => to.includes(id));
      if (both !== undefined) line.fail(`node ${both} on only one side of ->`, token);
      return { kind: 'block', from, to, ...parseWhen(line, { window: true }) };
    }
    case 'heal':
      return { kind: 'heal', atMs: parseWhen(line, { window: false }).atMs };
    case 'disk': {
      const node = parseNode(line, nodes);
      const token = line.take('tear, lose or fail-sync');
      const mode = DISK_FAULT_MODES.find((m) => m === token.text);
      if (mode === undefined) line.fail('tear, lose or fail-sync', token);
      return { kind: 'disk', node, mode, ...parseWhen(line, { window: true }) };
    }
    case 'drift':
      return parseDrift(line, nodes);
    case 'link':
      return parseLink(line, nodes);
    case 'drop':
    case 'dup':
    case 'reorder':
    case 'corrupt':
    case 'delay':
      return parseRateRule(new Line([keyword, ...drain(line)], line.endPosition), undefined);
    default:
      return line.fail(
        'a fault (crash, restart, pause, resume, partition, isolate, block, heal, disk, drop, dup, reorder, corrupt, delay, link, drift)',
        keyword,
      );
  }
}

function drain(line: Line): Token[] {
  const rest: Token[] = [];
  while (!line.done) rest.push(line.take('more'));
  return rest;
}

export interface ParseOptions {
  /**
   * The plan is a run's whole history from its start, with every node up (as the simulator
   * runs it): a restart then needs a crash (or a storage fault) of its node at or before
   * its time. A live cluster's plan is not: a node may already be down when it arrives.
   */
  readonly fromStart?: boolean;
}

/** Parses a plan for a cluster of `nodes` nodes; throws FaultPlanError on malformed input. */
export function parseFaultPlan(text: string, nodes: number, opts: ParseOptions = {}): FaultPlan {
  const faults: FaultEvent[] = [];
  const restarts: { fault: Restart; token: Token }[] = [];
  for (const { tokens, end } of tokenize(text)) {
    const line = new Line(tokens, end);
    const fault = parseLine(line, nodes);
    faults.push(fault);
    if (!line.done) line.fail('end of this fault (separate faults with ;)');
    if (fault.kind === 'restart' && tokens[0] !== undefined)
      restarts.push({ fault, token: tokens[0] });
  }
  if (opts.fromStart === true) checkRestarts(faults, restarts);
  return { faults };
}

interface Restart {
  readonly node: NodeId;
  readonly atMs: number;
}

/** Every restart follows a crash (or storage fault) of its node: nodes start up. */
function checkRestarts(
  faults: readonly FaultEvent[],
  restarts: readonly { fault: Restart; token: Token }[],
): void {
  for (const { fault, token } of restarts) {
    const downed = faults.some(
      (f) =>
        (f.kind === 'crash' || f.kind === 'disk') && f.node === fault.node && f.atMs <= fault.atMs,
    );
    if (!downed)
      throw new FaultPlanError(
        token.position,
        `a crash of node ${fault.node} before its restart (every node starts up)`,
        `'restart ${fault.node} @${fmtTime(fault.atMs)}'`,
      );
  }
}

function fmtTime(ms: number): string {
  return String(ms);
}

function fmtWhen(atMs: number, untilMs: number | undefined): string {
  return untilMs === undefined ? `@${fmtTime(atMs)}` : `@${fmtTime(atMs)}..${fmtTime(untilMs)}`;
}

function fmtRule(rule: RateRule): string {
  const value =
    typeof rule.value === 'number'
      ? String(rule.value / 1_000_000)
      : `${fmtTime(rule.value[0])}..${fmtTime(rule.value[1])}`;
  const link =
    rule.link === undefined
      ? ''
      : `link ${rule.link.from}${rule.link.both ? '-' : '->'}${rule.link.to} `;
  const when =
    rule.fromMs === 0 && rule.untilMs === undefined ? '' : ` ${fmtWhen(rule.fromMs, rule.untilMs)}`;
  return `${link}${rule.param} ${value}${when}`;
}

/** The canonical text of a plan; parsing it gives the same plan back. */
export function formatFaultPlan(plan: FaultPlan): string {
  return plan.faults.map(formatFault).join('; ');
}

function formatFault(f: FaultEvent): string {
  switch (f.kind) {
    case 'crash':
    case 'restart':
    case 'resume':
      return `${f.kind} ${f.node} @${fmtTime(f.atMs)}`;
    case 'pause':
      return `pause ${f.node} ${fmtWhen(f.atMs, f.untilMs)}`;
    case 'partition':
      return `partition ${f.groups.map((g) => g.join(',')).join('|')} ${fmtWhen(f.atMs, f.untilMs)}`;
    case 'block':
      return `block ${f.from.join(',')}->${f.to.join(',')} ${fmtWhen(f.atMs, f.untilMs)}`;
    case 'heal':
      return `heal @${fmtTime(f.atMs)}`;
    case 'disk':
      return `disk ${f.node} ${f.mode} ${fmtWhen(f.atMs, f.untilMs)}`;
    case 'drift':
      return `drift ${f.node} ${f.ppm >= 0 ? '+' : ''}${f.ppm}ppm`;
    case 'rate':
      return fmtRule(f);
  }
}

/** The time after which the plan injects nothing new and every windowed fault has ended. */
export function planQuietAfterMs(plan: FaultPlan): number {
  let last = 0;
  for (const f of plan.faults) {
    if (f.kind === 'drift') continue;
    if (f.kind === 'rate') last = Math.max(last, f.untilMs ?? f.fromMs);
    else last = Math.max(last, 'untilMs' in f && f.untilMs !== undefined ? f.untilMs : f.atMs);
  }
  return last;
}
