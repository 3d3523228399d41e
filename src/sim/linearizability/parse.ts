// Client histories from text, in three formats:
// - `jsonl`: Cohort's own, one ClientHistoryEvent per line
//   (`{"process":0,"type":"invoke","f":"write","value":3,"time":0}`);
// - `edn`: Jepsen's history files, a vector of op maps or one map per line
//   (`{:type :invoke, :f :write, :value 3, :process 0, :time 123, :index 0}`, optionally
//   tagged `#jepsen.history.Op{…}`); jepsen.independent's `[k v]` values are kept as
//   tuples for the kv model to split;
// - `jepsen-log`: the op lines `jepsen.util` logs (`INFO  jepsen.util - 0\t:invoke\t:read\tnil`,
//   or with a timestamp and thread before `jepsen.util`); other lines are skipped.
// Operations of Jepsen's nemesis (a non-integer process) are not client operations and are
// skipped. Porcupine's key-value histories name their operations get, put and append; get
// and put are read and write under another name, and are read as such. Each event keeps the line it came from, so later errors can name it too.
//
// Fault model: the text is untrusted; every malformation is a HistoryParseError.

import type { ClientHistoryEvent } from '../../core/algorithm.js';
import {
  EdnError,
  EdnMap,
  EdnSet,
  EdnSymbol,
  type EdnValue,
  Keyword,
  readEdnForms,
  readEdnPrefix,
  readEdnVector,
  Tagged,
} from './edn.js';
import { encodeValue } from './value.js';

export type HistoryFormat = 'jsonl' | 'edn' | 'jepsen-log';
export const HISTORY_FORMATS: readonly HistoryFormat[] = ['jsonl', 'edn', 'jepsen-log'];

export class HistoryParseError extends Error {
  override readonly name = 'HistoryParseError';
  constructor(
    readonly reason: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${reason}`);
  }
}

export interface ParsedHistory {
  readonly format: HistoryFormat;
  readonly events: ClientHistoryEvent[];
  /** The 1-based line of each event. */
  readonly lines: number[];
}

const TYPES: readonly ClientHistoryEvent['type'][] = ['invoke', 'ok', 'fail', 'info'];
const FS: readonly ClientHistoryEvent['f'][] = ['read', 'write', 'cas', 'append'];
const ALIASES: Readonly<Record<string, ClientHistoryEvent['f']>> = { get: 'read', put: 'write' };

/** Parses `text` in `format`, or guesses the format when it is 'auto'. */
export function parseHistory(text: string, format: HistoryFormat | 'auto' = 'auto'): ParsedHistory {
  const chosen = format === 'auto' ? detectFormat(text) : format;
  switch (chosen) {
    case 'jsonl':
      return parseJsonLines(text);
    case 'edn':
      return parseEdnHistory(text);
    case 'jepsen-log':
      return parseJepsenLog(text);
  }
}

/** A Jepsen log has jepsen.util op lines; JSON lines open with `{"`; anything else is EDN. */
export function detectFormat(text: string): HistoryFormat {
  if (/\bjepsen\.util\s+(?:-\s+)?\S+\s+:\w/.test(text)) return 'jepsen-log';
  const first = /\S/.exec(text);
  if (first !== null && text[first.index] === '{' && /^\{\s*"/.test(text.slice(first.index)))
    return 'jsonl';
  return 'edn';
}

export function parseJsonLines(text: string): ParsedHistory {
  const events: ClientHistoryEvent[] = [];
  const lines: number[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    let v: unknown;
    try {
      v = JSON.parse(raw);
    } catch (error) {
      throw new HistoryParseError(`not JSON: ${(error as Error).message}`, line);
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      throw new HistoryParseError('expected one event object per line', line);
    const o = v as Record<string, unknown>;
    const event = validated(
      { process: o.process, type: o.type, f: o.f, key: o.key, value: o.value, time: o.time },
      line,
      events.length,
    );
    events.push(event);
    lines.push(line);
  });
  return { format: 'jsonl', events, lines };
}

export function parseEdnHistory(text: string): ParsedHistory {
  let forms: { value: EdnValue; line: number }[];
  try {
    forms = readEdnVector(text) ?? readEdnForms(text);
  } catch (error) {
    if (error instanceof EdnError) throw new HistoryParseError(stripLine(error), error.line);
    throw error;
  }
  const events: ClientHistoryEvent[] = [];
  const lines: number[] = [];
  for (const { value, line } of forms) {
    const op = value instanceof Tagged ? value.value : value;
    if (!(op instanceof EdnMap)) throw new HistoryParseError('expected an op map {:type …}', line);
    const process = op.get('process');
    if (process instanceof Keyword) continue; // :nemesis
    const time = op.get('time') ?? op.get('index') ?? events.length;
    const raw = {
      process,
      type: keywordName(op.get('type')),
      f: keywordName(op.get('f')),
      key: ednKey(op.get('key')),
      value: toJs(op.get('value') ?? null),
      time,
    };
    events.push(validated(raw, line, events.length));
    lines.push(line);
  }
  return { format: 'edn', events, lines };
}

/**
 * `… jepsen.util - 0\t:invoke\t:read\tnil`, `… jepsen.util 0\t:ok\t:cas\t[1 2]\t:err`: the
 * process, then keywords for type and f, then the value (EDN) and an optional error.
 * Fields are tab-separated as Jepsen writes them; runs of spaces are accepted too.
 */
const LOG_OP = /\bjepsen\.util\s+(?:-\s+)?(\S+)\s+(:\S+)(?:\s+(.*))?$/;

export function parseJepsenLog(text: string): ParsedHistory {
  const events: ClientHistoryEvent[] = [];
  const lines: number[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    const m = LOG_OP.exec(raw.replace(/\r$/, ''));
    if (m === null) return;
    const [, who, type, rest] = m as unknown as [string, string, string, string | undefined];
    if (who.startsWith(':')) return; // :nemesis
    const fm = /^(:\S+)\s+(\S.*)$/.exec(rest ?? '');
    if (fm === null)
      throw new HistoryParseError('an op line needs process, type, f and value', line);
    if (!/^\d+$/.test(who))
      throw new HistoryParseError(`process must be an integer, got '${who}'`, line);
    const value = logValue(fm[2]!, line);
    const event = validated(
      {
        process: Number(who),
        type: type.slice(1),
        f: fm[1]!.slice(1),
        value: toJs(value),
        time: events.length,
      },
      line,
      events.length,
    );
    events.push(event);
    lines.push(line);
  });
  return { format: 'jepsen-log', events, lines };
}

/** The value at the start of `text` (whatever follows it is the op's error, if any). */
function logValue(text: string, line: number): EdnValue {
  try {
    return readEdnPrefix(text).value;
  } catch (error) {
    if (!(error instanceof EdnError)) throw error;
    const reason = stripLine(error).replace(/ on line \d+/, '');
    throw new HistoryParseError(`bad value '${text}': ${reason}`, line);
  }
}

function keywordName(v: EdnValue | undefined): unknown {
  return v instanceof Keyword ? v.name : v;
}

/** An op's `:key` as the kv model's partition name (non-string keys in canonical form). */
function ednKey(v: EdnValue | undefined): string | undefined {
  if (v === undefined) return undefined;
  const key = toJs(v);
  return typeof key === 'string' ? key : encodeValue(key);
}

function stripLine(error: EdnError): string {
  return error.message.replace(/^line \d+: /, '');
}

/** EDN values as plain JS: keywords as ":name" text, sets and lists as arrays. */
export function toJs(v: EdnValue): unknown {
  if (v instanceof Keyword) return v.toString();
  if (v instanceof EdnSymbol) return v.name;
  if (v instanceof Tagged) return toJs(v.value);
  if (v instanceof EdnSet) return v.items.map(toJs);
  if (v instanceof EdnMap)
    return Object.fromEntries(
      v.entries.map(([k, x]) => [k instanceof Keyword ? k.name : String(toJs(k)), toJs(x)]),
    );
  if (Array.isArray(v)) return v.map(toJs);
  return v;
}

function validated(
  raw: {
    process: unknown;
    type: unknown;
    f: unknown;
    key?: unknown;
    value: unknown;
    time: unknown;
  },
  line: number,
  position: number,
): ClientHistoryEvent {
  const { process, type, key, value, time } = raw;
  const f = (typeof raw.f === 'string' && ALIASES[raw.f]) || raw.f;
  if (typeof process !== 'number' || !Number.isInteger(process))
    throw new HistoryParseError(`process must be an integer, got ${show(process)}`, line);
  if (!TYPES.includes(type as ClientHistoryEvent['type']))
    throw new HistoryParseError(`type must be invoke, ok, fail or info, got ${show(type)}`, line);
  if (!FS.includes(f as ClientHistoryEvent['f']))
    throw new HistoryParseError(
      `f must be read, write, cas or append (or get, put), got ${show(f)}`,
      line,
    );
  if (key !== undefined && typeof key !== 'string')
    throw new HistoryParseError(`key must be a string, got ${show(key)}`, line);
  const at = time === undefined ? position : time;
  if (typeof at !== 'number' || !Number.isFinite(at))
    throw new HistoryParseError(`time must be a number, got ${show(time)}`, line);
  return {
    process,
    type: type as ClientHistoryEvent['type'],
    f: f as ClientHistoryEvent['f'],
    ...(key === undefined ? {} : { key }),
    value: value === undefined ? null : value,
    time: at,
  };
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v instanceof Keyword || v instanceof EdnSymbol) return v.toString();
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return JSON.stringify(v) ?? String(v);
}
