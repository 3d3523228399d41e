// The run's inputs in the URL (?algorithm=…&seed=…&nodes=…&faults=…&duration=…&o.<option>=…,
// and the named scenario they came from as scenario=…), so a link replays the identical run;
// lang= (the page's language) is kept as it is.

import type { OptionValues } from '../../src/core/algorithm.js';
import type { RunInput } from './run.js';

export interface UrlState extends RunInput {
  readonly rawOptions: Record<string, string>;
  /** The named scenario the settings were loaded from, or ''. */
  readonly scenario: string;
}

export function readUrl(defaults: RunInput): UrlState {
  const q = new URLSearchParams(location.search);
  const rawOptions: Record<string, string> = {};
  for (const [k, v] of q) if (k.startsWith('o.')) rawOptions[k.slice(2)] = v;
  const nodes = q.get('nodes');
  const duration = Number(q.get('duration') ?? Number.NaN);
  return {
    algorithm: q.get('algorithm') ?? defaults.algorithm,
    nodes: nodes === null || nodes === '' ? undefined : Number(nodes),
    seed: Number(q.get('seed') ?? defaults.seed),
    faults: q.get('faults') ?? defaults.faults,
    options: defaults.options,
    ...(Number.isInteger(duration) && duration > 0 && { durationMs: duration }),
    rawOptions,
    scenario: q.get('scenario') ?? '',
  };
}

export function writeUrl(input: RunInput, rawOptions: Record<string, string>, scenario = ''): void {
  const q = new URLSearchParams();
  // The page's language (i18n.ts) is not a run setting, but it stays with the link.
  const lang = new URLSearchParams(location.search).get('lang');
  if (lang !== null) q.set('lang', lang);
  q.set('algorithm', input.algorithm);
  if (scenario !== '') q.set('scenario', scenario);
  q.set('seed', String(input.seed));
  if (input.nodes !== undefined) q.set('nodes', String(input.nodes));
  if (input.durationMs !== undefined) q.set('duration', String(input.durationMs));
  if (input.faults !== '') q.set('faults', input.faults);
  for (const [k, v] of Object.entries(rawOptions)) if (v !== '') q.set(`o.${k}`, v);
  history.replaceState(null, '', `?${q.toString()}`);
}

export type { OptionValues };
