// The run's inputs in the URL (?algorithm=…&seed=…&nodes=…&faults=…&duration=…&o.<option>=…,
// and the named scenario they came from as scenario=…), so a link replays the identical run;
// and the view — the slider's time (t=, ms), lecture mode (lecture=1) and the page's language
// (lang=, i18n.ts) — so a link opens at a moment, as the teacher left it; and the page shown
// (view=partition: the partitioning view, whose inputs are the p.* parameters,
// partition-compare.ts). A new run keeps the view's parameters; the view is written apart
// from the run (writeView).

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

/** Not run settings, but they stay with the link. */
const VIEW_KEYS = ['lang', 'lecture', 't', 'view'] as const;

export function writeUrl(input: RunInput, rawOptions: Record<string, string>, scenario = ''): void {
  const q = new URLSearchParams();
  const now = new URLSearchParams(location.search);
  for (const key of VIEW_KEYS) {
    const v = now.get(key);
    if (v !== null) q.set(key, v);
  }
  for (const [k, v] of now) if (k.startsWith('p.')) q.set(k, v);
  q.set('algorithm', input.algorithm);
  if (scenario !== '') q.set('scenario', scenario);
  q.set('seed', String(input.seed));
  if (input.nodes !== undefined) q.set('nodes', String(input.nodes));
  if (input.durationMs !== undefined) q.set('duration', String(input.durationMs));
  if (input.faults !== '') q.set('faults', input.faults);
  for (const [k, v] of Object.entries(rawOptions)) if (v !== '') q.set(`o.${k}`, v);
  history.replaceState(null, '', `?${q.toString()}`);
}

export interface ViewState {
  /** The slider's time in ms (0 when absent or not a number ≥ 0). */
  readonly t: number;
  readonly lecture: boolean;
  /** The page shown: the simulator, or the partitioning view. */
  readonly page: 'simulator' | 'partition';
}

export function readView(): ViewState {
  const q = new URLSearchParams(location.search);
  const t = Number(q.get('t') ?? 0);
  return {
    t: Number.isFinite(t) && t > 0 ? t : 0,
    lecture: q.get('lecture') === '1',
    page: q.get('view') === 'partition' ? 'partition' : 'simulator',
  };
}

/** Puts the view in the URL, keeping everything else (a whole-ms-and-tenth time). */
export function writeView(view: Partial<ViewState>): void {
  const q = new URLSearchParams(location.search);
  if (view.t !== undefined) {
    if (view.t > 0) q.set('t', String(Math.round(view.t * 10) / 10));
    else q.delete('t');
  }
  if (view.lecture !== undefined) {
    if (view.lecture) q.set('lecture', '1');
    else q.delete('lecture');
  }
  if (view.page !== undefined) {
    if (view.page === 'partition') q.set('view', 'partition');
    else q.delete('view');
  }
  history.replaceState(null, '', `?${q.toString()}${location.hash}`);
}

export type { OptionValues };
