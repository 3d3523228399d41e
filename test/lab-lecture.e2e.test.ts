/// <reference lib="dom" />
// Lecture mode and links to a moment (issue 22), in a real browser at 1280×800: a link with
// t= opens with the slider at that time; the L key turns lecture mode on (lecture=1 in the
// URL) — the stage fills the screen below the scenario picker, with its time controls in
// view and large type — a scenario's tour stands beside it, and where its Next moves the
// slider the URL follows, so the link copied then opens, in lecture mode, at that moment.
// Every wait is on a condition.

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LabBrowser, openLab, startLabBrowser } from './support/lab-browser.js';

let lab: LabBrowser;

beforeAll(async () => {
  lab = await startLabBrowser();
});

afterAll(async () => {
  await lab?.close();
});

const WIDTH = 1280;
const HEIGHT = 800;

const sliderAt = (page: Page) => page.locator('input[type=range]').inputValue().then(Number);
const fontPx = (page: Page, selector: string) =>
  page.$eval(selector, (el) => Number.parseFloat(getComputedStyle(el).fontSize));

async function box(page: Page, selector: string) {
  const b = await page.locator(selector).first().boundingBox();
  if (b === null) throw new Error(`${selector} is not laid out`);
  return b;
}

describe('lecture mode at 1280×800', () => {
  it('fills the screen with the stage, and a link opens at its moment', async () => {
    const { page, errors } = await openLab(
      lab,
      WIDTH,
      HEIGHT,
      'algorithm=consensus/raft&seed=1&o.configChanges=false&t=654.3',
    );
    // The link's time: the slider and the clock are there, not at 0.
    await expect.poll(() => sliderAt(page)).toBe(654.3);
    expect(await page.textContent('.transport output')).toBe('654.3 ms');
    expect(await page.$('main.lecture')).toBeNull();
    const normalStage = await box(page, 'svg.stage');
    const normalText = await fontPx(page, '.transport output');

    await page.keyboard.press('l');
    await page.waitForSelector('main.lecture');
    await expect.poll(() => new URL(page.url()).searchParams.get('lecture')).toBe('1');
    expect(await page.getAttribute('.lecture-toggle', 'aria-pressed')).toBe('true');
    // The stage: larger than before, most of the screen's height, wholly in view with the
    // time controls under it; the type is larger; the scenario picker is there.
    const stage = await box(page, 'svg.stage');
    expect(stage.height).toBeGreaterThan(normalStage.height);
    expect(stage.height).toBeGreaterThan(HEIGHT * 0.55);
    expect(stage.y + stage.height).toBeLessThanOrEqual(HEIGHT);
    const slider = await box(page, 'input[type=range]');
    expect(slider.y + slider.height).toBeLessThanOrEqual(HEIGHT);
    expect(await fontPx(page, '.transport output')).toBeGreaterThanOrEqual(normalText * 1.25);
    expect(await page.isVisible('.scenarios summary')).toBe(true);
    // The time survived the switch.
    expect(await sliderAt(page)).toBe(654.3);

    // A scenario's tour, beside the stage; Next moves the slider and the URL follows.
    await page.click('.scenarios summary');
    await page.click('[data-scenario="leader-crash-during-replication"]');
    await page.waitForSelector('.side .tour');
    await page.click('.tour-next');
    await page.waitForSelector('.tour-text[data-tour-step="1"]');
    const at = await sliderAt(page);
    expect(at).toBeGreaterThan(0);
    const rounded = String(Math.round(at * 10) / 10);
    await expect.poll(() => new URL(page.url()).searchParams.get('t')).toBe(rounded);
    const link = page.url();
    expect(errors).toEqual([]);
    await page.close();

    // The copied link: lecture mode, the scenario's run, the slider at that moment.
    const again = await openLab(lab, WIDTH, HEIGHT, new URL(link).search.slice(1));
    await again.page.waitForSelector('main.lecture');
    await expect.poll(() => sliderAt(again.page)).toBe(Number(rounded));
    expect(await again.page.getAttribute('[data-scenario-now]', 'data-scenario-now')).toBe(
      'leader-crash-during-replication',
    );
    // L again leaves lecture mode, and the URL says so.
    await again.page.keyboard.press('l');
    await again.page.waitForSelector('main:not(.lecture)');
    await expect.poll(() => new URL(again.page.url()).searchParams.get('lecture')).toBeNull();
    expect(again.errors).toEqual([]);
    await again.page.close();
  });
});
