// Every listed algorithm has an explanation in the Lab (web/src/explain/), complete in English
// and Chinese: what and why, invariants, fault model, message formula and the seed passage —
// so a newly registered algorithm fails here until it has one. The quoted passages must be
// the notes' own words: each excerpt is found in ../shared/seeds (when the notes are there).
// What the registry says of it — its summary, each named scenario's description, its checks'
// names and message formula, its options' help, the names of the metrics its runs report —
// has its Chinese too (web/src/i18n/registry-text.ts), and none is kept for a scenario, check,
// option or metric that is gone.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { algorithms, listedAlgorithms } from '../src/algorithms/registry.js';
import { simulate } from '../src/sim/run.js';
import { explanationOf, explanations } from '../web/src/explain/index.js';
import {
  checkNameIn,
  formulaIn,
  metricNameIn,
  optionHelpIn,
  registryGaps,
  scenarioDescriptionIn,
  summaryIn,
  ZH_OPTIONS,
} from '../web/src/i18n/registry-text.js';
import { ZH_CHECKS, ZH_FORMULAS } from '../web/src/i18n/zh-checks.js';
import { ZH_METRICS } from '../web/src/i18n/zh-metrics.js';

const CJK = /[\u4e00-\u9fff]/;
const PARTS = ['what', 'invariants', 'faultModel', 'messages'] as const;

describe('the Lab explains every algorithm', () => {
  it.each(listedAlgorithms().map((a) => a.name))('%s: both languages, every part', (name) => {
    const e = explanationOf(name);
    expect(e, `web/src/explain has no entry for ${name}`).toBeDefined();
    if (e === undefined) return;
    for (const part of PARTS) {
      expect(e[part].en.trim().length, `${name} ${part}.en`).toBeGreaterThan(40);
      expect(e[part].zh.trim().length, `${name} ${part}.zh`).toBeGreaterThan(15);
      expect(e[part].zh, `${name} ${part}.zh is Chinese`).toMatch(CJK);
    }
    expect(e.passage.source).toMatch(/^00\d /);
    expect(e.passage.zh).toMatch(CJK);
    expect(e.passage.en.trim().length).toBeGreaterThan(40);
  });

  // Every registered algorithm, the test-only ones too (`cohort sim` runs them all).
  it.each(algorithms)('$name: summary and every scenario in Chinese', (spec) => {
    expect(summaryIn(spec, 'zh'), `${spec.name} summary`).toMatch(CJK);
    expect(summaryIn(spec, 'en')).toBe(spec.summary);
    for (const s of spec.scenarios) {
      expect(scenarioDescriptionIn(spec.name, s, 'zh'), `${spec.name} ${s.name}`).toMatch(CJK);
      expect(scenarioDescriptionIn(spec.name, s, 'en')).toBe(s.description);
    }
  });

  it('explains every option of every algorithm in Chinese, and no other', () => {
    const texts = new Set(
      algorithms.flatMap((spec) => Object.values(spec.options).map((o) => o.description)),
    );
    expect([...texts].filter((d) => !CJK.test(optionHelpIn(d, 'zh')))).toEqual([]);
    expect(Object.keys(ZH_OPTIONS).filter((d) => !texts.has(d))).toEqual([]);
  });

  it('keeps no Chinese for an algorithm or scenario that is not registered', () => {
    expect(registryGaps(algorithms)).toEqual({ missing: [], stray: [] });
  });

  it('names every check, formula and metric a run reports in Chinese, and no other', () => {
    const checks = new Set<string>();
    const formulas = new Set<string>();
    const metrics = new Set<string>();
    for (const spec of algorithms)
      for (const s of [undefined, ...spec.scenarios]) {
        // Names, formulas and metric names do not depend on how long a run lasts: a short one
        // reports them (its metric names are those of the full-length runs, as measured).
        const { result } = simulate(spec, {
          seed: 1,
          durationMs: 50,
          ...(s !== undefined && { faults: s.faults, options: s.options ?? {} }),
          ...(s?.nodes !== undefined && { nodes: s.nodes }),
        });
        for (const c of [...result.invariants, ...result.liveness]) checks.add(c.name);
        if (result.messageCount !== null) formulas.add(result.messageCount.formula);
        for (const name of Object.keys(result.metrics)) metrics.add(name);
      }
    expect([...checks].filter((name) => !CJK.test(checkNameIn(name, 'zh')))).toEqual([]);
    expect([...formulas].filter((f) => !CJK.test(formulaIn(f, 'zh')))).toEqual([]);
    expect(Object.keys(ZH_CHECKS).filter((name) => !checks.has(name))).toEqual([]);
    expect(Object.keys(ZH_FORMULAS).filter((f) => !formulas.has(f))).toEqual([]);
    expect([...metrics].filter((name) => !CJK.test(metricNameIn(name, 'zh')))).toEqual([]);
    expect(metricNameIn('messagesPerEntry', 'en')).toBe('messagesPerEntry');
    expect(Object.keys(ZH_METRICS).filter((name) => !metrics.has(name))).toEqual([]);
  }, 120_000);

  it('has no explanation for an algorithm that is not registered', () => {
    const names = new Set(listedAlgorithms().map((a) => a.name));
    expect(Object.keys(explanations).filter((n) => !names.has(n))).toEqual([]);
  });
});

const SEEDS = join(import.meta.dirname, '..', '..', 'shared', 'seeds');
/** Whitespace is not compared: the notes wrap and indent, quotes join lines. */
const squash = (s: string) => s.replace(/\s+/g, '');

/** The notes by number, read when a test first needs them (a skipped describe still runs its
 *  body to collect tests, so the folder must not be read there when it is absent). */
let notes: Map<string, string> | undefined;
function noteOf(source: string): string | undefined {
  notes ??= new Map(
    readdirSync(SEEDS).map((f) => [f.slice(0, 3), squash(readFileSync(join(SEEDS, f), 'utf8'))]),
  );
  return notes.get(source.slice(0, 3));
}

// The notes live beside the project (../shared/seeds), not in it: a checkout without them
// skips this comparison; the explanations themselves are checked above either way.
describe.skipIf(!existsSync(SEEDS))('the quoted passages are the notes’ own words', () => {
  it.each(Object.entries(explanations))('%s', (name, e) => {
    const note = noteOf(e.passage.source);
    expect(note, `${name}: note ${e.passage.source}`).toBeDefined();
    for (const excerpt of e.passage.zh.split('……')) {
      // A list item quoted from its middle starts at the text after the note's "- " or "1. ".
      const text = squash(excerpt).replace(/^(-|\d+\.)/, '');
      expect(note?.includes(text), `${name}: "${excerpt.slice(0, 30)}…" not in the note`).toBe(
        true,
      );
    }
  });
});
