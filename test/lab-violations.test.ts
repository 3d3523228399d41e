// Every broken check reads in Chinese on the Chinese page (web/src/i18n/violations.ts): each
// named scenario declared to break something (its `expect` says safety or liveness is
// 'violated') is run as the Lab runs it, and every message its failed checks report — the
// invariant's own English, from src/algorithms — has its Chinese sentence, with the data
// (ids, terms, ballots, values) carried over. A reworded English message, or a new scenario
// that breaks a check in a new way, fails here until its sentence is added. A message with
// no sentence is shown as the English original, marked so.

import { describe, expect, it } from 'vitest';
import { violationIn, violationZh } from '../web/src/i18n/violations.js';
import { runLab } from '../web/src/run.js';
import { violatingScenarios } from './support/violating-scenarios.js';

const CJK = /[\u4e00-\u9fff]/;

const cases = violatingScenarios().map((c) => [`${c.spec.name} ${c.scenario.name}`, c] as const);

/** The numbers a message carries: its Chinese must carry every one of them. */
const numbers = (text: string) => (text.match(/\d+(\.\d+)?/g) ?? []).sort();

describe('violation messages in Chinese', () => {
  it('finds scenarios that break checks', () => {
    expect(cases.length).toBeGreaterThan(20);
  });

  it.each(cases)('%s: every failed check reads in Chinese', (_, { spec, scenario: s }) => {
    const run = runLab({
      algorithm: spec.name,
      nodes: s.nodes,
      seed: 1,
      faults: s.faults,
      options: s.options ?? {},
      ...(s.durationMs !== undefined && { durationMs: s.durationMs }),
    });
    const result = run.result;
    if (result === null) throw new Error('a run from settings has a result');
    const failed = [...result.invariants, ...result.liveness].filter((c) => !c.holds);
    expect(failed.length, 'the scenario breaks what it declares').toBeGreaterThan(0);
    // The panel's messages, and the trace's (the timeline's and an opened trace's).
    const messages = [
      ...failed.map((c) => c.violation ?? ''),
      ...run.violations.map((v) => v.violation),
    ];
    for (const message of messages) {
      const zh = violationIn(message, 'zh');
      expect(zh.original, `no Chinese sentence for: ${message}`).toBe(false);
      expect(zh.text).toMatch(CJK);
      expect(numbers(zh.text), `${message} → ${zh.text}`).toEqual(numbers(message));
      expect(violationIn(message, 'en')).toEqual({ text: message, original: false });
    }
  });

  it('shows a message it has no sentence for as the English original, marked', () => {
    const message = 'a sentence no checker writes (at 12 ms)';
    expect(violationIn(message, 'zh')).toEqual({ text: message, original: true });
    expect(violationZh(message)).toBe(`（原文）${message}`);
  });
});
