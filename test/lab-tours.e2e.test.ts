/// <reference lib="dom" />
// A guided tour in a real browser (issue 22): Raft's leader-crash scenario chosen from the
// picker shows its tour above the stage; each "Next" moves the slider to the step's tick and
// changes the text to the step's — both compared with tourOf() for the same run, so a tour
// that does not move the run, or says something else, fails. Previous goes back; the
// Chinese switch shows the same step in Chinese. Every wait is on a condition.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findAlgorithm } from '../src/algorithms/registry.js';
import { runLab } from '../web/src/run.js';
import { tourOf } from '../web/src/tour/tour.js';
import { type LabBrowser, openLab, startLabBrowser } from './support/lab-browser.js';

let lab: LabBrowser;

beforeAll(async () => {
  lab = await startLabBrowser();
});

afterAll(async () => {
  await lab?.close();
});

const SCENARIO = 'leader-crash-during-replication';

function expectedTour() {
  const spec = findAlgorithm('consensus/raft');
  const scenario = spec?.scenarios.find((s) => s.name === SCENARIO);
  if (scenario === undefined) throw new Error(`no ${SCENARIO}`);
  const run = runLab({
    algorithm: 'consensus/raft',
    nodes: scenario.nodes,
    seed: 1,
    faults: scenario.faults,
    options: scenario.options ?? {},
  });
  return tourOf(run, scenario, 'consensus/raft');
}

describe('a guided tour at 1280×800', () => {
  it('moves the slider to each step and says what to look at', async () => {
    const steps = expectedTour();
    const { page, errors } = await openLab(lab, 1280, 800, 'algorithm=consensus/raft&seed=1');
    expect(await page.$('.tour')).toBeNull();
    await page.click('.scenarios summary');
    await page.click(`[data-scenario="${SCENARIO}"]`);
    await page.waitForSelector(`.tour[data-tour="${SCENARIO}"]`);
    const slider = page.locator('input[type=range]');
    const text = page.locator('.tour-text');
    expect(await text.textContent()).toBe(steps[0]?.text.en);
    expect(Number(await slider.inputValue())).toBe(0);
    for (const i of [1, 2, 3]) {
      const step = steps[i];
      if (step === undefined) throw new Error(`the tour has no step ${i}`);
      await page.click('.tour-next');
      await page.waitForSelector(`.tour-text[data-tour-step="${i}"]`);
      expect(await text.textContent()).toBe(step.text.en);
      expect(Number(await slider.inputValue())).toBeCloseTo(step.t, 6);
      expect(await page.textContent('.transport output')).toBe(`${step.t.toFixed(1)} ms`);
    }
    // The crash step: the leader's circle on the stage is down at that tick.
    expect(steps[3]?.kind).toBe('fault');
    await expect.poll(() => page.getAttribute('[data-node="3"]', 'data-status')).toBe('crashed');
    await page.click('.tour-previous');
    await page.waitForSelector('.tour-text[data-tour-step="2"]');
    expect(Number(await slider.inputValue())).toBeCloseTo(steps[2]?.t ?? -1, 6);
    await page.click('.lang-switch [data-lang="zh"]');
    await expect.poll(() => text.textContent()).toBe(steps[2]?.text.zh);
    expect(errors).toEqual([]);
    await page.close();
  });
});
