// The run's inputs in the URL (?algorithm=…&seed=…&nodes=…&faults=…&o.<option>=…), so a
// link replays the identical run.

import type { OptionValues } from '../../src/core/algorithm.js';
import type { RunInput } from './run.js';

export function readUrl(defaults: RunInput): RunInput & { rawOptions: Record<string, string> } {
  const q = new URLSearchParams(location.search);
  const rawOptions: Record<string, string> = {};
  for (const [k, v] of q) if (k.startsWith('o.')) rawOptions[k.slice(2)] = v;
  const nodes = q.get('nodes');
  return {
    algorithm: q.get('algorithm') ?? defaults.algorithm,
    nodes: nodes === null || nodes === '' ? undefined : Number(nodes),
    seed: Number(q.get('seed') ?? defaults.seed),
    faults: q.get('faults') ?? defaults.faults,
    options: defaults.options,
    rawOptions,
  };
}

export function writeUrl(input: RunInput, rawOptions: Record<string, string>): void {
  const q = new URLSearchParams();
  q.set('algorithm', input.algorithm);
  q.set('seed', String(input.seed));
  if (input.nodes !== undefined) q.set('nodes', String(input.nodes));
  if (input.faults !== '') q.set('faults', input.faults);
  for (const [k, v] of Object.entries(rawOptions)) if (v !== '') q.set(`o.${k}`, v);
  history.replaceState(null, '', `?${q.toString()}`);
}

export type { OptionValues };
