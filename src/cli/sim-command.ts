// `cohort sim <algorithm>`: run one algorithm in the simulator and
// report messages, invariants, liveness and metrics (human text, or one JSON document).

import { writeFileSync } from 'node:fs';
import type { AnyAlgorithm, ClientHistory } from '../core/algorithm.js';
import { nodeIds } from '../core/process.js';
import { FaultPlanError, formatFaultPlan } from '../sim/fault-plan.js';
import { randomFaultPlan } from '../sim/fuzz.js';
import { defaultNodes, type RunResult, resolveOptions, simulate } from '../sim/run.js';
import { parseAlgorithmOptions, resolveAlgorithm } from './algorithm-options.js';
import { fmtNumber, mark, table } from './format.js';
import { parseInteger, parseNodes } from './parse-flags.js';
import { EXIT_CHECK_FAILED, EXIT_OK, UsageError } from './usage-error.js';

export interface SimFlags {
  readonly nodes?: string;
  readonly seed?: string;
  readonly duration?: string;
  readonly faults?: string;
  readonly scenario?: string;
  readonly trace?: string;
  /** Write the run's client history (JSON lines, for `cohort check`). */
  readonly history?: string;
  readonly json?: boolean;
}

export function simCommand(name: string, flags: SimFlags, rest: readonly string[]): number {
  const spec = resolveAlgorithm(name);
  const scenario =
    flags.scenario === undefined
      ? undefined
      : spec.scenarios.find((s) => s.name === flags.scenario);
  if (flags.scenario !== undefined && scenario === undefined) {
    const names = spec.scenarios.map((s) => s.name).join(', ') || 'none';
    throw new UsageError(
      `unknown scenario '${flags.scenario}' for ${spec.name} (its scenarios: ${names})`,
    );
  }
  const options = { ...scenario?.options, ...parseAlgorithmOptions(spec, rest) };
  const nodes = parseNodes(spec, flags.nodes) ?? scenario?.nodes ?? defaultNodes(spec, options);
  const seed = parseInteger('--seed', flags.seed, 0, Number.MAX_SAFE_INTEGER) ?? 1;
  const durationMs = parseInteger('--duration', flags.duration, 1, 1e9) ?? scenario?.durationMs;
  let faults = flags.faults ?? scenario?.faults ?? '';
  if (faults === 'random') {
    const model = spec.faultModel?.(resolveOptions(spec, options));
    const windowMs = Math.floor(spec.durationMs * 0.6);
    faults = formatFaultPlan(randomFaultPlan(seed, nodes, windowMs, model));
  }
  let result: RunResult;
  let lines: string[] = [];
  let history: ClientHistory | undefined;
  try {
    const run = simulate(spec, {
      nodes,
      seed,
      faults,
      options,
      trace: flags.trace === undefined ? 'hash' : 'full',
      ...(durationMs !== undefined && { durationMs }),
    });
    result = run.result;
    lines = run.sim.trace.lines;
    const ctx = { nodes: nodeIds(nodes), options: result.options, seed };
    history = spec.history?.(run.sim, ctx);
  } catch (error) {
    if (error instanceof FaultPlanError) throw new UsageError(error.message);
    throw error;
  }
  if (flags.trace !== undefined)
    writeFileSync(flags.trace, lines.length > 0 ? `${lines.join('\n')}\n` : '');
  if (flags.history !== undefined) writeHistory(spec, flags.history, history);
  process.stdout.write(
    flags.json === true ? `${JSON.stringify(result, null, 2)}\n` : renderResult(result),
  );
  return result.ok ? EXIT_OK : EXIT_CHECK_FAILED;
}

/** The client history as JSON lines (`cohort check consistency|linearizability` reads them). */
function writeHistory(spec: AnyAlgorithm, file: string, history: ClientHistory | undefined) {
  if (history === undefined) throw new UsageError(`${spec.name} serves no clients: no history`);
  const text = history.events.map((e) => JSON.stringify(e)).join('\n');
  writeFileSync(file, text === '' ? '' : `${text}\n`);
}

function renderResult(r: RunResult): string {
  const out: string[] = [];
  out.push(`${r.algorithm} · ${r.nodes} nodes · seed ${r.seed} · faults: ${r.faults || 'none'}`);
  out.push(
    `virtual time ${fmtNumber(r.virtualTimeMs)} ms · ${fmtNumber(r.events)} events · trace ${r.traceHash}`,
  );
  const m = r.messages;
  out.push(
    `messages: ${fmtNumber(m.sent)} sent, ${fmtNumber(m.delivered)} delivered, ${fmtNumber(m.dropped)} dropped, ${fmtNumber(m.duplicated)} duplicated`,
  );
  const types = Object.entries(m.byType);
  if (types.length > 0)
    out.push(
      table(
        ['  type', 'sent'],
        types.map(([t, c]) => [`  ${t}`, fmtNumber(c)]),
      ),
    );
  if (r.messageCount !== null) {
    const c = r.messageCount;
    out.push(
      `formula: ${c.formula} → expected ${fmtNumber(c.expected)}, measured ${fmtNumber(c.measured)}`,
    );
  }
  out.push('invariants:');
  for (const c of r.invariants)
    out.push(`  ${mark(c.holds)} ${c.name}${c.violation === null ? '' : ` — ${c.violation}`}`);
  out.push('liveness:');
  for (const c of r.liveness)
    out.push(`  ${mark(c.holds)} ${c.name}${c.violation === null ? '' : ` — ${c.violation}`}`);
  const metrics = Object.entries(r.metrics);
  if (metrics.length > 0) {
    out.push(
      `metrics: ${metrics.map(([k, v]) => `${k}=${typeof v === 'number' ? fmtNumber(v) : String(v)}`).join(' ')}`,
    );
  }
  out.push(r.ok ? 'OK' : 'FAILED');
  return `${out.join('\n')}\n`;
}
