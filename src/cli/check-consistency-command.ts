// `cohort check consistency FILE [--model kv|register] [--require MODELS]`: reads a client
// history (the formats `check linearizability` reads), checks it with sim/consistency and
// prints one row per consistency model — ✓ holds, ✗ broken (with the operations that break
// it), ? undecided (with why) — or one JSON document with --json. Exit 0, or 1 when a model
// named by --require does not hold, 2 for input that cannot be read (naming the line).

import {
  CONSISTENCY_MODELS,
  type ConsistencyModel,
  type ConsistencyResult,
  checkConsistency,
  type ModelVerdict,
} from '../sim/consistency/index.js';
import {
  DEFAULT_MAX_CONFIGURATIONS,
  encodeValue,
  HISTORY_FORMATS,
  type HistoryFormat,
  type Model,
} from '../sim/linearizability/index.js';
import { checkHistoryFile } from './check-command.js';
import { EXIT_CHECK_FAILED, EXIT_OK, UsageError } from './usage-error.js';

export interface ConsistencyFlags {
  readonly model?: string;
  readonly format?: string;
  readonly json?: boolean;
  readonly require?: string;
  readonly maxConfigurations?: string;
}

export function checkConsistencyCommand(file: string, flags: ConsistencyFlags): number {
  const model = (flags.model ?? 'kv') as Model;
  if (model !== 'kv' && model !== 'register')
    throw new UsageError(`--model must be register or kv, got '${flags.model}'`);
  const format = (flags.format ?? 'auto') as HistoryFormat | 'auto';
  if (format !== 'auto' && !HISTORY_FORMATS.includes(format))
    throw new UsageError(`--format must be auto, ${HISTORY_FORMATS.join(', ')}; got '${format}'`);
  const limit = Number(flags.maxConfigurations ?? DEFAULT_MAX_CONFIGURATIONS);
  if (!Number.isSafeInteger(limit) || limit < 1)
    throw new UsageError(`--max-configurations must be a positive integer, got '${limit}'`);
  const required = requiredModels(flags.require);
  const start = performance.now();
  const { parsed, result } = checkHistoryFile(file, format, (events) =>
    checkConsistency(events, model, { maxConfigurations: limit }),
  );
  const elapsedMs = Math.round((performance.now() - start) * 10) / 10;
  const failed = result.verdicts.filter((v) => required.includes(v.model) && v.holds !== true);
  if (flags.json === true) {
    const report = { file, format: parsed.format, ...result, elapsedMs, required };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else process.stdout.write(`${renderConsistency(result, parsed.lines, file, elapsedMs)}\n`);
  if (failed.length > 0) {
    const names = failed.map((v) => v.model).join(', ');
    process.stderr.write(`required but not shown to hold: ${names}\n`);
    return EXIT_CHECK_FAILED;
  }
  return EXIT_OK;
}

function requiredModels(text: string | undefined): ConsistencyModel[] {
  if (text === undefined || text === '') return [];
  const names = text.split(',').map((s) => s.trim());
  for (const n of names)
    if (!(CONSISTENCY_MODELS as readonly string[]).includes(n))
      throw new UsageError(`--require: unknown model '${n}' (${CONSISTENCY_MODELS.join(', ')})`);
  return names as ConsistencyModel[];
}

const MARK = { true: '✓', false: '✗', unknown: '?' } as const;

/** The table of models with verdicts, then the operations that break each broken one. */
export function renderConsistency(
  r: ConsistencyResult,
  lines: readonly number[] | undefined,
  file: string,
  elapsedMs?: number,
): string {
  const took = elapsedMs === undefined ? '' : `, checked in ${elapsedMs} ms`;
  const out = [`${file} (model ${r.model}): ${r.operations} operations${took}`, ''];
  out.push(`  ${'model'.padEnd(18)}verdict`);
  for (const v of r.verdicts) {
    const note = v.holds === true ? '' : `  ${v.reason ?? ''}`;
    out.push(`  ${v.model.padEnd(18)}${MARK[String(v.holds) as keyof typeof MARK]}${note}`);
  }
  for (const v of r.verdicts.filter((x) => x.violations.length > 0)) {
    out.push('', `${v.model}: broken by`);
    v.violations.forEach((group, i) => {
      out.push(`  ${i + 1}. ${formatGroup(group, lines)}`);
    });
  }
  return out.join('\n');
}

function formatGroup(group: ModelVerdict['violations'][number], lines?: readonly number[]): string {
  return group
    .map((op) => {
      const key = op.key === undefined ? '' : ` ${op.key}`;
      const at = lines === undefined ? `event ${op.invokeEvent}` : `line ${lines[op.invokeEvent]}`;
      return `process ${op.process} ${op.f}${key} ${encodeValue(op.value)} [${at}]`;
    })
    .join('; ');
}
