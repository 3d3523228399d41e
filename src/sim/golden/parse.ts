// etcd-style "datadriven" test files. Each block is a command line, a `----` line, and the
// expected output up to the next blank line. Output that itself contains blank lines uses
// the double form: `----` `----` output `----` `----`. Everything before a command (comments,
// blank lines) is kept verbatim so that rewriting a file only ever touches outputs.
//
// Browser-safe: this module works on strings; reading and writing files is the runner's job.

export interface Command {
  readonly name: string;
  /** Positional arguments, in order. */
  readonly args: readonly string[];
  /** `key=value` arguments. */
  readonly kv: Readonly<Record<string, string>>;
}

export interface Block {
  /** Raw lines before the command (comments and blank lines), kept for rewriting. */
  readonly preamble: readonly string[];
  /** The command line as written. */
  readonly text: string;
  readonly command: Command;
  /** 1-based line number of the command, for error messages. */
  readonly line: number;
  readonly expected: string;
}

export interface GoldenFile {
  readonly blocks: readonly Block[];
  /** Raw lines after the last block. */
  readonly trailer: readonly string[];
}

export class GoldenParseError extends Error {
  override readonly name = 'GoldenParseError';
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

const SEP = '----';

export function parseCommand(text: string, line = 0): Command {
  const [name, ...rest] = text.trim().split(/\s+/);
  if (name === undefined || name === '') throw new GoldenParseError(line, 'empty command');
  const args: string[] = [];
  const kv: Record<string, string> = {};
  for (const token of rest) {
    const eq = token.indexOf('=');
    if (eq <= 0) args.push(token);
    else kv[token.slice(0, eq)] = token.slice(eq + 1);
  }
  return { name, args, kv };
}

/** A cursor over the file's lines; `at` is 0-based. */
class Lines {
  at = 0;
  constructor(readonly lines: readonly string[]) {}
  get done(): boolean {
    return this.at >= this.lines.length;
  }
  peek(offset = 0): string | undefined {
    return this.lines[this.at + offset];
  }
  next(): string {
    return this.lines[this.at++] ?? '';
  }
}

function isPreamble(line: string): boolean {
  return line.trim() === '' || line.startsWith('#');
}

export function parseGolden(text: string): GoldenFile {
  // A trailing newline ends the last line rather than starting an empty one.
  const raw = text.replace(/\r\n/g, '\n').split('\n');
  if (raw[raw.length - 1] === '') raw.pop();
  const lines = new Lines(raw);
  const blocks: Block[] = [];
  for (;;) {
    const preamble: string[] = [];
    while (!lines.done && isPreamble(lines.peek() as string)) preamble.push(lines.next());
    if (lines.done) return { blocks, trailer: trimTrailingBlanks(preamble) };
    blocks.push(parseBlock(lines, preamble));
  }
}

function trimTrailingBlanks(lines: string[]): string[] {
  let end = lines.length;
  while (end > 0 && (lines[end - 1] as string).trim() === '') end--;
  return lines.slice(0, end);
}

function parseBlock(lines: Lines, preamble: string[]): Block {
  const line = lines.at + 1;
  const text = lines.next();
  const command = parseCommand(text, line);
  if (lines.peek() !== SEP) throw new GoldenParseError(line + 1, `expected ${SEP} after command`);
  lines.next();
  const expected = lines.peek() === SEP ? readDouble(lines, line) : readSingle(lines);
  return { preamble, text, command, line, expected };
}

function readSingle(lines: Lines): string {
  const out: string[] = [];
  while (!lines.done && lines.peek() !== '') out.push(lines.next());
  // The blank line ends this block's output; it is not part of the next preamble.
  if (!lines.done) lines.next();
  return out.join('\n');
}

function readDouble(lines: Lines, line: number): string {
  lines.next();
  const out: string[] = [];
  for (;;) {
    if (lines.done) throw new GoldenParseError(line, `unterminated ${SEP} ${SEP} output`);
    if (lines.peek() === SEP && lines.peek(1) === SEP) break;
    out.push(lines.next());
  }
  lines.next();
  lines.next();
  if (lines.peek() === '') lines.next();
  return out.join('\n');
}

function formatBlock(block: Block, output: string): string[] {
  const head = [...block.preamble, block.text, SEP];
  if (output === '') return head;
  // A blank line would end a single-form output early, so such outputs need the double form.
  if (output.split('\n').some((l) => l === '')) return [...head, SEP, output, SEP, SEP];
  return [...head, output];
}

/** The file text with each block's output replaced by `outputs[i]`. */
export function formatGolden(file: GoldenFile, outputs: readonly string[]): string {
  const parts = file.blocks.map((block, i) => formatBlock(block, outputs[i] ?? '').join('\n'));
  const body = parts.join('\n\n');
  const trailer = file.trailer.length > 0 ? `\n\n${file.trailer.join('\n')}` : '';
  return `${body}${trailer}\n`;
}
