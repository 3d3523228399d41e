// The simulator's trace: one JSON object per line, in the order things happened. The same
// seed, algorithm, options and fault plan give a byte-identical trace; its hash
// (`traceHash`) is how tests and users compare runs. The Lab replays these lines.

import { TraceHasher } from '../core/hash.js';
import type { Message, NodeId, Output } from '../core/process.js';

/** Why a message was not delivered; 'malformed': the receiver's parser rejected it. */
export type DropReason = 'loss' | 'partition' | 'down' | 'malformed';

export type TraceRecord =
  | { t: number; ev: 'start' | 'crash' | 'restart' | 'pause' | 'resume'; node: NodeId }
  | { t: number; ev: 'send'; from: NodeId; to: NodeId; msg: Message }
  | { t: number; ev: 'deliver'; from: NodeId; to: NodeId; msg: Message }
  | { t: number; ev: 'drop'; from: NodeId; to: NodeId; type: string; reason: DropReason }
  | { t: number; ev: 'dup'; from: NodeId; to: NodeId; type: string }
  | { t: number; ev: 'timer'; node: NodeId; name: string }
  | { t: number; ev: 'command'; node: NodeId; command: unknown }
  | { t: number; ev: 'output'; node: NodeId; output: Output }
  | { t: number; ev: 'note'; node: NodeId; text: string }
  | { t: number; ev: 'fault'; fault: string }
  | { t: number; ev: 'violation'; check: string; violation: string };

export type TraceLevel = 'off' | 'hash' | 'full';

export class Trace {
  private readonly hasher = new TraceHasher();
  readonly lines: string[] = [];
  readonly records: TraceRecord[] = [];

  constructor(readonly level: TraceLevel) {}

  get on(): boolean {
    return this.level !== 'off';
  }

  add(record: TraceRecord): void {
    const line = JSON.stringify(record);
    this.hasher.update(line);
    this.hasher.update('\n');
    if (this.level === 'full') {
      this.lines.push(line);
      this.records.push(record);
    }
  }

  hash(): string {
    return this.hasher.digest();
  }
}

function fmtMs(t: number): string {
  return t.toFixed(3).padStart(10);
}

function fmtData(value: unknown): string {
  if (value === undefined) return '';
  const { type: _type, ...rest } = value as Record<string, unknown>;
  const text = JSON.stringify(rest);
  return text === '{}' ? '' : ` ${text}`;
}

/** One human-readable line per record, used by golden scripts and `--trace -`. */
export function renderRecord(r: TraceRecord): string {
  const t = fmtMs(r.t);
  switch (r.ev) {
    case 'start':
    case 'crash':
    case 'restart':
    case 'pause':
    case 'resume':
      return `${t} ${r.ev} ${r.node}`;
    case 'send':
      return `${t} ${r.from}->${r.to} send ${r.msg.type}${fmtData(r.msg)}`;
    case 'deliver':
      return `${t} ${r.from}->${r.to} recv ${r.msg.type}${fmtData(r.msg)}`;
    case 'drop':
      return `${t} ${r.from}->${r.to} drop ${r.type} (${r.reason})`;
    case 'dup':
      return `${t} ${r.from}->${r.to} dup ${r.type}`;
    case 'timer':
      return `${t} ${r.node} timer ${r.name}`;
    case 'command':
      return `${t} ${r.node} command ${JSON.stringify(r.command)}`;
    case 'output':
      return `${t} ${r.node} output ${r.output.type}${fmtData(r.output)}`;
    case 'note':
      return `${t} ${r.node} note ${r.text}`;
    case 'fault':
      return `${t} fault ${r.fault}`;
    case 'violation':
      return `${t} VIOLATION ${r.check}: ${r.violation}`;
  }
}
