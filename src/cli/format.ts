// Human-readable rendering shared by the commands: aligned tables, check marks, progress.
// Escape sequences (colour, progress) go only to a terminal, and never when NO_COLOR is set
// (https://no-color.org) or TERM is dumb: pipes, files and CI logs get plain text.

/** What decides whether a stream gets escape sequences. */
export interface Terminal {
  readonly isTTY?: boolean;
}

/** Whether to colour what is written to `stream`. */
export function colours(stream: Terminal, env: NodeJS.ProcessEnv = process.env): boolean {
  if (stream.isTTY !== true) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return env.TERM !== 'dumb';
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching escape sequences is the point.
const ESCAPES = /\x1b\[[0-9;]*[A-Za-z]/g;

/** Length as seen on screen: escape sequences take no columns. */
function visibleLength(text: string): number {
  return text.replace(ESCAPES, '').length;
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((r) => visibleLength(r[i] ?? ''))),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c + ' '.repeat(Math.max(0, (widths[i] ?? 0) - visibleLength(c))))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n');
}

/** ✓ or ✗, green or red on a colour terminal (stdout by default). */
export function mark(holds: boolean, colour = colours(process.stdout)): string {
  const sign = holds ? '✓' : '✗';
  return colour ? `\x1b[${holds ? 32 : 31}m${sign}\x1b[39m` : sign;
}

export function fmtNumber(n: number): string {
  return Number.isInteger(n)
    ? n.toLocaleString('en-US')
    : n.toLocaleString('en-US', { maximumFractionDigits: 3 });
}

/**
 * Progress on stderr, only when stderr is a terminal that takes escape sequences (never in
 * pipes, CI logs or under NO_COLOR, where a rewritten line would be noise).
 */
export function progress(
  stream: Terminal & { write(text: string): unknown } = process.stderr,
  env: NodeJS.ProcessEnv = process.env,
): { update(text: string): void; done(): void } {
  const tty = colours(stream, env);
  let last = 0;
  return {
    update(text) {
      if (!tty) return;
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      stream.write(`\r\x1b[K${text}`);
    },
    done() {
      if (tty) stream.write('\r\x1b[K');
    },
  };
}
