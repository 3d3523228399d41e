// `add-nodes N algorithm=family/name [seed=S] [option=value ...]`: builds the cluster the
// way `simulate` does (same context, invariants and causality), but leaves time to the script.

import { findAlgorithm } from '../../../algorithms/registry.js';
import type {
  AnyAlgorithm,
  OptionValue,
  OptionValues,
  RunContext,
} from '../../../core/algorithm.js';
import { nodeIds } from '../../../core/process.js';
import { resolveOptions } from '../../run.js';
import { Simulator } from '../../simulator.js';
import { type CommandHandler, parseInt10 } from '../context.js';

const RESERVED = new Set(['algorithm', 'seed']);

function algorithmOptions(spec: AnyAlgorithm, kv: Readonly<Record<string, string>>): OptionValues {
  const given: Record<string, OptionValue> = {};
  for (const [key, value] of Object.entries(kv)) {
    if (RESERVED.has(key)) continue;
    // A list option (`proposers=1,2`) is split; ints become numbers; the rest stays text.
    if (spec.options[key]?.kind === 'ints') given[key] = value.split(',').map(Number);
    else given[key] = /^-?\d+$/.test(value) ? Number(value) : value;
  }
  return given;
}

export const addNodes: CommandHandler = (ctx, cmd) => {
  if (ctx.sim !== undefined) throw new Error('add-nodes may run only once per file');
  const n = parseInt10(cmd.args[0], 'the node count');
  const name = cmd.kv.algorithm;
  const spec = name === undefined ? undefined : findAlgorithm(name);
  if (spec === undefined) throw new Error(`unknown algorithm '${name ?? ''}'`);
  const seed = cmd.kv.seed === undefined ? 1 : parseInt10(cmd.kv.seed, 'seed');
  const options = resolveOptions(spec, algorithmOptions(spec, cmd.kv));
  const runCtx: RunContext = { nodes: nodeIds(n), options, seed };
  const sim = new Simulator({
    seed,
    nodes: n,
    create: (id) => spec.create(id, runCtx),
    ...(spec.parseMessage !== undefined && { parse: (raw) => spec.parseMessage?.(raw, runCtx) }),
    trace: 'full',
    causality: spec.causality === true,
    invariants: spec.invariants(runCtx),
  });
  ctx.sim = sim;
  sim.start();
  return [];
};
