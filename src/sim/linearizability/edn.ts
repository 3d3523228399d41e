// A strict reader for EDN (https://github.com/edn-format/edn), enough of it for Jepsen
// histories and their values: nil, booleans, numbers (with N/M suffixes and ratios),
// strings, characters, keywords, symbols, lists, vectors, maps, sets, tagged elements
// (`#jepsen.history.Op{…}`, `#inst "…"`), `#_` discard, `;` comments, commas as whitespace.
//
// Why not the npm package edn-data: it accepts malformed input silently (an unclosed map
// reads as null, `{:a }}` as `{}`, trailing forms are ignored) and its errors carry no
// position, while `cohort check` must reject unreadable input naming the line.
//
// Fault model: the text is untrusted; every malformation is an EdnError with its line.

export class EdnError extends Error {
  override readonly name = 'EdnError';
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
  }
}

export class Keyword {
  constructor(readonly name: string) {}
  toString(): string {
    return `:${this.name}`;
  }
}

export class EdnSymbol {
  constructor(readonly name: string) {}
  toString(): string {
    return this.name;
  }
}

export class Tagged {
  constructor(
    readonly tag: string,
    readonly value: EdnValue,
  ) {}
}

export class EdnMap {
  constructor(readonly entries: readonly (readonly [EdnValue, EdnValue])[]) {}
  /** The value under keyword `:name`, or undefined. */
  get(name: string): EdnValue | undefined {
    for (const [k, v] of this.entries) if (k instanceof Keyword && k.name === name) return v;
    return undefined;
  }
}

export class EdnSet {
  constructor(readonly items: readonly EdnValue[]) {}
}

/** Big integers beyond 2^53 are kept as their decimal text. */
export type EdnValue =
  | null
  | boolean
  | number
  | string
  | Keyword
  | EdnSymbol
  | Tagged
  | EdnMap
  | EdnSet
  | readonly EdnValue[];

/** A top-level form and the line it starts on. */
export interface Located {
  readonly value: EdnValue;
  readonly line: number;
}

const DELIMITERS = new Set([...' \t\r\n,()[]{}";'] as const);
const CLOSERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const CHAR_NAMES: Record<string, string> = {
  newline: '\n',
  space: ' ',
  tab: '\t',
  return: '\r',
  backspace: '\b',
  formfeed: '\f',
};
const STRING_ESCAPES: Record<string, string> = {
  t: '\t',
  r: '\r',
  n: '\n',
  '\\': '\\',
  '"': '"',
  b: '\b',
  f: '\f',
};

class Reader {
  pos = 0;
  line = 1;
  constructor(readonly text: string) {}

  fail(message: string, line = this.line): never {
    throw new EdnError(message, line);
  }

  /** Skips whitespace, commas, comments and `#_` discarded forms; false at the end. */
  skip(): boolean {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t[this.pos]!;
      if (c === '\n') {
        this.line++;
        this.pos++;
      } else if (c === ' ' || c === '\t' || c === '\r' || c === ',') this.pos++;
      else if (c === ';') {
        while (this.pos < t.length && t[this.pos] !== '\n') this.pos++;
      } else if (c === '#' && t[this.pos + 1] === '_') {
        this.pos += 2;
        this.read();
      } else return true;
    }
    return false;
  }

  /** Reads one form; the caller has skipped to it. */
  read(): EdnValue {
    if (!this.skip()) this.fail('unexpected end of input: a value is missing');
    const c = this.text[this.pos]!;
    const line = this.line;
    if (c === '(' || c === '[') {
      this.pos++;
      return this.readUntil(CLOSERS[c]!, c, line);
    }
    if (c === '{') {
      this.pos++;
      return this.toMap(this.readUntil('}', c, line), line);
    }
    if (c === ')' || c === ']' || c === '}') this.fail(`unexpected '${c}'`);
    if (c === '"') return this.readString();
    if (c === '\\') return this.readChar();
    if (c === '#') return this.readDispatch();
    return this.readAtom(this.token());
  }

  readUntil(close: string, open: string, line: number): EdnValue[] {
    const items: EdnValue[] = [];
    for (;;) {
      if (!this.skip()) this.fail(`'${open}' opened on line ${line} is never closed`, line);
      const c = this.text[this.pos]!;
      if (c === close) {
        this.pos++;
        return items;
      }
      if (c === ')' || c === ']' || c === '}')
        this.fail(`'${c}' closes '${open}' opened on line ${line}, expected '${close}'`);
      items.push(this.read());
    }
  }

  toMap(items: EdnValue[], line: number): EdnMap {
    if (items.length % 2 !== 0) this.fail(`map opened on line ${line} has a key without a value`);
    const entries: [EdnValue, EdnValue][] = [];
    for (let i = 0; i < items.length; i += 2) entries.push([items[i]!, items[i + 1]!]);
    return new EdnMap(entries);
  }

  readString(): string {
    const t = this.text;
    const line = this.line;
    let out = '';
    this.pos++;
    for (;;) {
      if (this.pos >= t.length) this.fail(`string opened on line ${line} is never closed`, line);
      const c = t[this.pos++]!;
      if (c === '"') return out;
      if (c === '\n') this.line++;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = t[this.pos++];
      if (e === 'u') {
        const hex = t.slice(this.pos, this.pos + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail(`bad unicode escape \\u${hex}`);
        out += String.fromCharCode(Number.parseInt(hex, 16));
        this.pos += 4;
      } else if (e !== undefined && STRING_ESCAPES[e] !== undefined) out += STRING_ESCAPES[e];
      else this.fail(`bad string escape \\${e ?? ''}`);
    }
  }

  readChar(): string {
    this.pos++;
    const start = this.pos;
    // One character always belongs to the literal, even a delimiter (`\(`).
    this.pos++;
    while (this.pos < this.text.length && !DELIMITERS.has(this.text[this.pos]!)) this.pos++;
    const name = this.text.slice(start, this.pos);
    if (name.length === 0) this.fail('a character literal is missing its character');
    if (name.length === 1) return name;
    if (CHAR_NAMES[name] !== undefined) return CHAR_NAMES[name];
    if (/^u[0-9a-fA-F]{4}$/.test(name))
      return String.fromCharCode(Number.parseInt(name.slice(1), 16));
    return this.fail(`unknown character literal \\${name}`);
  }

  readDispatch(): EdnValue {
    const line = this.line;
    const next = this.text[this.pos + 1];
    if (next === '{') {
      this.pos += 2;
      return new EdnSet(this.readUntil('}', '#{', line));
    }
    if (next === '#') {
      this.pos += 2;
      const name = this.token();
      if (name === 'Inf') return Number.POSITIVE_INFINITY;
      if (name === '-Inf') return Number.NEGATIVE_INFINITY;
      if (name === 'NaN') return Number.NaN;
      return this.fail(`unknown symbolic value ##${name}`);
    }
    this.pos++;
    const tag = this.token();
    if (!/^[A-Za-z]/.test(tag)) this.fail(`bad tag '#${tag}'`);
    return new Tagged(tag, this.read());
  }

  token(): string {
    const start = this.pos;
    while (this.pos < this.text.length && !DELIMITERS.has(this.text[this.pos]!)) this.pos++;
    if (this.pos === start) this.fail(`unexpected '${this.text[this.pos] ?? 'end of input'}'`);
    return this.text.slice(start, this.pos);
  }

  readAtom(token: string): EdnValue {
    if (token === 'nil') return null;
    if (token === 'true') return true;
    if (token === 'false') return false;
    if (/^[+-]?\d/.test(token)) return this.readNumber(token);
    if (token.startsWith(':')) {
      if (!/^:[^:#][^#]*$/.test(token) && token !== ':/') this.fail(`bad keyword '${token}'`);
      return new Keyword(token.slice(1));
    }
    if (!/^[A-Za-z.*+!\-_?$%&=<>/'][^#]*$|^\/$/.test(token)) this.fail(`bad symbol '${token}'`);
    return new EdnSymbol(token);
  }

  readNumber(token: string): number | string {
    let m = /^([+-]?\d+)N?$/.exec(token);
    if (m !== null) {
      const n = Number(m[1]);
      return Number.isSafeInteger(n) ? n : m[1]!.replace(/^\+/, '');
    }
    m = /^([+-]?\d+)\/(\d+)$/.exec(token);
    if (m !== null) return Number(m[1]) / Number(m[2]);
    if (/^[+-]?\d+(\.\d*)?([eE][+-]?\d+)?M?$/.test(token)) return Number(token.replace(/M$/, ''));
    return this.fail(`bad number '${token}'`);
  }
}

/** Every top-level form of `text`, with the line each starts on. */
export function readEdnForms(text: string): Located[] {
  const r = new Reader(text);
  const forms: Located[] = [];
  while (r.skip()) {
    const line = r.line;
    forms.push({ value: r.read(), line });
  }
  return forms;
}

/** The first form of `text` and the offset just after it (for values inside log lines). */
export function readEdnPrefix(text: string): { value: EdnValue; end: number } {
  const r = new Reader(text);
  const value = r.read();
  return { value, end: r.pos };
}

/**
 * The elements of a file holding one vector of forms (`[{…} {…}]`), with their lines, or
 * undefined when the file does not start with `[`.
 */
export function readEdnVector(text: string): Located[] | undefined {
  const r = new Reader(text);
  if (!r.skip() || text[r.pos] !== '[') return undefined;
  const open = r.line;
  r.pos++;
  const items: Located[] = [];
  for (;;) {
    if (!r.skip()) r.fail(`'[' opened on line ${open} is never closed`, open);
    if (text[r.pos] === ']') {
      r.pos++;
      break;
    }
    const line = r.line;
    items.push({ value: r.read(), line });
  }
  if (r.skip()) r.fail("unexpected form after the closing ']' of the history");
  return items;
}
