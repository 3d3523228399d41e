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
// skipped. Each event keeps the line it came from, so later errors can name it too.
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
  readEdnVector,
  Tagged,
} from './edn.js';

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
const FS: readonly ClientHistoryEvent['f'][] = ['read', 'write', 'cas'];

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

/** A Jepsen log mentions jepsen.util; JSON lines open with `{"`; anything else is EDN. */
export function detectFormat(text: string): HistoryFormat {
  if (/^.*\bjepsen\.util\s.*\t/m.test(text)) return 'jepsen-log';
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
      value: toJs(op.get('value') ?? null),
      time,
    };
    events.push(validated(raw, line, events.length));
    lines.push(line);
  }
  return { format: 'edn', events, lines };
}

/** `… jepsen.util - 0\t:invoke\t:read\tnil` or `… jepsen.util 0\t:ok\t:cas\t[1 2]\t:err`. */
const LOG_OP = /\bjepsen\.util\s+(?:-\s+)?(\S+)\t(.*)$/;

export function parseJepsenLog(text: string): ParsedHistory {
  const events: ClientHistoryEvent[] = [];
  const lines: number[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    const m = LOG_OP.exec(raw.replace(/\r$/, ''));
    if (m === null) return;
    const fields = m[2]!.split('\t');
    if (fields.length < 3)
      throw new HistoryParseError('an op line needs process, type, f and value', line);
    const [type, f, valueText] = fields as [string, string, string];
    if (m[1]!.startsWith(':')) return; // :nemesis
    if (!/^\d+$/.test(m[1]!))
      throw new HistoryParseError(`process must be an integer, got '${m[1]}'`, line);
    const process = Number(m[1]);
    let value: EdnValue;
    try {
      const forms = readEdnForms(valueText);
      if (forms.length !== 1) throw new HistoryParseError(`bad value '${valueText}'`, line);
      value = forms[0]!.value;
    } catch (error) {
      if (error instanceof EdnError)
        throw new HistoryParseError(
          `bad value '${valueText}': ${stripLine(error).replace(/ on line \d+/, '')}`,
          line,
        );
      throw error;
    }
    const event = validated(
      {
        process,
        type: logKeyword(type),
        f: logKeyword(f),
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

function logKeyword(field: string): unknown {
  return field.startsWith(':') ? field.slice(1) : field;
}

function keywordName(v: EdnValue | undefined): unknown {
  return v instanceof Keyword ? v.name : v;
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
  const { process, type, f, key, value, time } = raw;
  if (typeof process !== 'number' || !Number.isInteger(process))
    throw new HistoryParseError(`process must be an integer, got ${show(process)}`, line);
  if (!TYPES.includes(type as ClientHistoryEvent['type']))
    throw new HistoryParseError(`type must be invoke, ok, fail or info, got ${show(type)}`, line);
  if (!FS.includes(f as ClientHistoryEvent['f']))
    throw new HistoryParseError(`f must be read, write or cas, got ${show(f)}`, line);
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
