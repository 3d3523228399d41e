/// <reference lib="dom" />
// On the Chinese page, every broken check reads in Chinese in a real browser: each named
// scenario declared to break something is chosen from the scenario picker, the slider is
// moved to the end of its run, and each check marked broken shows its Chinese name and its
// message as a Chinese sentence (web/src/i18n/violations.ts), never the English original;
// the English page shows the checker's own words. Desktop size: the text is the same on a
// phone (lab-explain.e2e.test.ts tries the language switch at both sizes).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { violationIn } from '../web/src/i18n/violations.js';
import { type LabBrowser, openLab, setTime, startLabBrowser } from './support/lab-browser.js';
import { violatingScenarios } from './support/violating-scenarios.js';

let lab: LabBrowser;

beforeAll(async () => {
  lab = await startLabBrowser();
});

afterAll(async () => {
  await lab?.close();
});

const CJK = /[\u4e00-\u9fff]/;

/** The scenarios, one page per algorithm. */
const byAlgorithm = new Map<string, string[]>();
for (const { spec, scenario } of violatingScenarios())
  byAlgorithm.set(spec.name, [...(byAlgorithm.get(spec.name) ?? []), scenario.name]);

describe('broken checks on the Chinese page', () => {
  it.each([...byAlgorithm])('%s: every broken check reads in Chinese', async (algorithm, names) => {
    const { page, errors } = await openLab(lab, 1280, 800, `algorithm=${algorithm}&seed=1&lang=zh`);
    for (const name of names) {
      // The picker closes on a pick (on a phone) or stays open: open it when it is closed.
      if ((await page.$('.scenarios details[open]')) === null)
        await page.click('.scenarios summary');
      await page.click(`[data-scenario="${name}"]`);
      await page.waitForSelector(`[data-scenario-now="${name}"]`);
      await setTime(page, Number(await page.getAttribute('input[type=range]', 'max')));
      const broken = page.locator('.checks .broken');
      expect(await broken.count(), `${name} breaks a check`).toBeGreaterThan(0);
      for (const item of await broken.all()) {
        const check = await item.getAttribute('data-check');
        const text = (await item.textContent()) ?? '';
        const message = (await item.locator('.violation').textContent()) ?? '';
        expect(text.replace(message, ''), `${name} ${check}: its name`).toMatch(CJK);
        expect(message, `${name} ${check}`).toMatch(CJK);
        expect(await item.locator('[data-original]').count(), `${name} ${check}`).toBe(0);
      }
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows the checker’s own words on the English page', async () => {
    const { page } = await openLab(lab, 1280, 800, 'algorithm=mutex/centralized&seed=1');
    await page.click('.scenarios summary');
    await page.click('[data-scenario="failover-split-brain"]');
    await page.waitForSelector('[data-scenario-now="failover-split-brain"]');
    await setTime(page, Number(await page.getAttribute('input[type=range]', 'max')));
    const message = await page.textContent('.checks .broken .violation');
    expect(message).toMatch(/^nodes \d and \d are inside at once \(at [\d.]+ ms\)$/);
    expect(violationIn(message ?? '', 'zh').original).toBe(false);
    await page.close();
  });
});
