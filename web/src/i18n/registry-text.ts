// What the registry says of each algorithm — its summary and its named scenarios' one-line
// descriptions — in the page's language. The English is the registry's own (src/algorithms,
// what `cohort sim list` prints); the Chinese lives here in web/ (zh-registry-a.ts and
// zh-registry-b.ts, keyed by algorithm and scenario name), so the algorithms stay
// language-neutral. So do its checks' names and message formulas (zh-checks.ts, keyed by the
// English a run reports) and its options' help (zh-options-a.ts, zh-options-b.ts, keyed by
// the English text) and its metrics' names (zh-metrics.ts, keyed by the camelCase name a
// run reports). test/lab-explain.test.ts checks every registered algorithm's summary,
// scenarios, checks, formula, options and metrics have Chinese, and that no Chinese is left
// for a scenario, check or metric that is gone.

import type { AnyAlgorithm, Scenario } from '../../../src/core/algorithm.js';
import type { Lang } from '../explain/types.js';
import type { RegistryZh } from './registry-zh.js';
import { ZH_CHECKS, ZH_FORMULAS } from './zh-checks.js';
import { ZH_METRICS } from './zh-metrics.js';
import { ZH_OPTIONS_A } from './zh-options-a.js';
import { ZH_OPTIONS_B } from './zh-options-b.js';
import { ZH_REGISTRY_A } from './zh-registry-a.js';
import { ZH_REGISTRY_B } from './zh-registry-b.js';

/** One algorithm's registry texts in Chinese. */

const ZH: Readonly<Record<string, RegistryZh>> = { ...ZH_REGISTRY_A, ...ZH_REGISTRY_B };

/** Option help by its English text (one text may serve several algorithms' options). */
export const ZH_OPTIONS: Readonly<Record<string, string>> = { ...ZH_OPTIONS_A, ...ZH_OPTIONS_B };

const zhOf = (algorithm: string): RegistryZh | undefined =>
  Object.hasOwn(ZH, algorithm) ? ZH[algorithm] : undefined;

/** The algorithm's one-line summary (English where a Chinese one is missing). */
export function summaryIn(spec: AnyAlgorithm, lang: Lang): string {
  return (lang === 'zh' ? zhOf(spec.name)?.summary : undefined) ?? spec.summary;
}

/** A named scenario's description (English where a Chinese one is missing). */
export function scenarioDescriptionIn(algorithm: string, s: Scenario, lang: Lang): string {
  const zh = lang === 'zh' ? zhOf(algorithm)?.scenarios[s.name] : undefined;
  return zh ?? s.description;
}

const known = (table: Readonly<Record<string, string>>, key: string) =>
  Object.hasOwn(table, key) ? table[key] : undefined;

/** A check's name as a run reports it (English where a Chinese one is missing). */
export function checkNameIn(name: string, lang: Lang): string {
  return (lang === 'zh' ? known(ZH_CHECKS, name) : undefined) ?? name;
}

/** A message formula as a run reports it (English where a Chinese one is missing). */
export function formulaIn(formula: string, lang: Lang): string {
  return (lang === 'zh' ? known(ZH_FORMULAS, formula) : undefined) ?? formula;
}

/** A metric's name as a run reports it (the camelCase name where a Chinese one is missing). */
export function metricNameIn(name: string, lang: Lang): string {
  return (lang === 'zh' ? known(ZH_METRICS, name) : undefined) ?? name;
}

/** An option's help (English where a Chinese one is missing). */
export function optionHelpIn(description: string, lang: Lang): string {
  return (lang === 'zh' ? known(ZH_OPTIONS, description) : undefined) ?? description;
}

/** What the Chinese lacks for these algorithms, and what it has that they do not (the test's). */
export function registryGaps(specs: readonly AnyAlgorithm[]): {
  missing: string[];
  stray: string[];
} {
  const missing: string[] = [];
  const stray: string[] = [];
  for (const spec of specs) {
    const zh = zhOf(spec.name);
    if (zh === undefined || zh.summary.trim() === '') missing.push(`${spec.name} summary`);
    const names = new Set(spec.scenarios.map((s) => s.name));
    for (const name of names)
      if ((zh?.scenarios[name] ?? '').trim() === '') missing.push(`${spec.name} ${name}`);
    for (const name of Object.keys(zh?.scenarios ?? {}))
      if (!names.has(name)) stray.push(`${spec.name} ${name}`);
  }
  for (const name of Object.keys(ZH)) if (!specs.some((s) => s.name === name)) stray.push(name);
  return { missing, stray };
}
