// `cohort check linearizability FILE --model register|kv`: reads a client history (Cohort's
// JSON lines, a Jepsen EDN history, or Jepsen's jepsen.util log lines), checks it with
// sim/linearizability and prints the verdict, the operation count, the time taken and, when
// it is not linearizable, the minimal explanation. Exit 0 linearizable, 1 not, 2 for input
// that cannot be read (the message names the line), 3 when the search gave up undecided.

import { readFileSync } from 'node:fs';
import {
  checkLinearizability,
  DEFAULT_MAX_CONFIGURATIONS,
  formatExplanation,
  HISTORY_FORMATS,
  HistoryError,
  type HistoryFormat,
  HistoryParseError,
  type LinearizabilityResult,
  type Model,
  type ParsedHistory,
  parseHistory,
} from '../sim/linearizability/index.js';
import { EXIT_CHECK_FAILED, EXIT_OK, UsageError } from './usage-error.js';

const MODELS: readonly Model[] = ['register', 'kv'];

export interface CheckFlags {
  readonly model?: string;
  readonly format?: string;
  readonly json?: boolean;
  readonly maxConfigurations?: string;
}

/** The search gave up: neither verdict is known. */
export const EXIT_UNDECIDED = 3;

export function checkLinearizabilityCommand(file: string, flags: CheckFlags): number {
  const model = flags.model as Model;
  if (!MODELS.includes(model))
    throw new UsageError(`--model must be register or kv, got '${flags.model ?? ''}'`);
  const format = (flags.format ?? 'auto') as HistoryFormat | 'auto';
  if (format !== 'auto' && !HISTORY_FORMATS.includes(format))
    throw new UsageError(`--format must be auto, ${HISTORY_FORMATS.join(', ')}; got '${format}'`);
  const limit = Number(flags.maxConfigurations ?? DEFAULT_MAX_CONFIGURATIONS);
  if (!Number.isSafeInteger(limit) || limit < 1)
    throw new UsageError(`--max-configurations must be a positive integer, got '${limit}'`);
  const start = performance.now();
  const { parsed, result } = checkHistoryFile(file, format, (events) =>
    checkLinearizability(events, model, { maxConfigurations: limit }),
  );
  const elapsedMs = Math.round((performance.now() - start) * 10) / 10;
  const report = { file, format: parsed.format, ...result, elapsedMs };
  if (flags.json === true) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else process.stdout.write(`${render(report, parsed.lines)}\n`);
  if (result.linearizable === 'unknown') return EXIT_UNDECIDED;
  return result.linearizable ? EXIT_OK : EXIT_CHECK_FAILED;
}

/**
 * Reads and parses `file`, then runs `check` on its events; unreadable files, parse errors
 * and malformed histories become UsageErrors naming the line (shared by every `check`).
 */
export function checkHistoryFile<R>(
  file: string,
  format: HistoryFormat | 'auto',
  check: (events: ParsedHistory['events']) => R,
): { parsed: ParsedHistory; result: R } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
  let parsed: ParsedHistory | undefined;
  try {
    parsed = parseHistory(text, format);
    return { parsed, result: check(parsed.events) };
  } catch (error) {
    if (error instanceof HistoryParseError) throw new UsageError(`${file}:${error.message}`);
    if (error instanceof HistoryError) {
      const line = parsed?.lines[error.eventIndex] ?? error.eventIndex + 1;
      throw new UsageError(`${file}:line ${line}: ${error.message}`);
    }
    throw error;
  }
}

function render(
  r: LinearizabilityResult & { file: string; format: string; elapsedMs: number },
  lines: readonly number[],
): string {
  const verdict =
    r.linearizable === 'unknown'
      ? '? undecided'
      : r.linearizable
        ? '✓ linearizable'
        : '✗ NOT linearizable';
  const parts = `${r.partitions} ${r.partitions === 1 ? 'partition' : 'partitions'}`;
  const out = [
    `${verdict}: ${r.file} (${r.format}, model ${r.model})`,
    `  ${r.operations} operations, ${parts}, checked in ${r.elapsedMs} ms`,
  ];
  if (r.undecided !== undefined) {
    const where = r.undecided.key === undefined ? '' : ` on key ${r.undecided.key}`;
    out.push(
      `  the search gave up${where} after ${r.undecided.configurations} configurations ` +
        '(raise --max-configurations, memory permitting)',
    );
  }
  if (r.explanation !== undefined) {
    const e = r.explanation;
    out.push(
      '',
      `Minimal explanation (${e.operations.length} operations; relaxing any one of them — ` +
        'a read dropped, a write, cas or append left indeterminate — makes the history linearizable):',
    );
    const [reason, ...ops] = formatExplanation(e).split('\n');
    out.push(`  ${reason}`);
    e.operations.forEach((op, i) => {
      const end = op.completeEvent === null ? '' : `–${lines[op.completeEvent]}`;
      out.push(`${ops[i]} [line ${lines[op.invokeEvent]}${end}]`);
    });
  }
  return out.join('\n');
}
