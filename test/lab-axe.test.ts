/// <reference lib="dom" />
// The Lab's accessibility pass (issue 22): axe-core, injected into the page through
// playwright-core, finds no serious or critical violation on the page at a laptop's and a
// phone's width — as it opens, and in lecture mode with a scenario's tour on screen. A
// violation fails with axe's rule, its help text and the elements it names.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LabBrowser, openLab, startLabBrowser, VIEWPORTS } from './support/lab-browser.js';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let lab: LabBrowser;

beforeAll(async () => {
  lab = await startLabBrowser();
});

afterAll(async () => {
  await lab?.close();
});

interface Finding {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly targets: readonly string[];
}

/** axe's serious and critical violations on the page as it is now. */
async function seriousViolations(page: Page): Promise<Finding[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE });
  const found = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document) => Promise<unknown> } }).axe;
    const result = (await axe.run(document)) as {
      violations: {
        id: string;
        impact: string | null;
        help: string;
        nodes: { target: unknown[] }[];
      }[];
    };
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
    }));
  });
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

describe.each(VIEWPORTS)('accessibility at $name size ($width×$height)', ({ width, height }) => {
  it('has no serious or critical axe violation, default page and lecture mode', async () => {
    const { page, errors } = await openLab(lab, width, height, '');
    expect(await seriousViolations(page)).toEqual([]);
    await page.keyboard.press('l');
    await page.waitForSelector('main.lecture');
    await page.click('.scenarios summary');
    await page.click('[data-scenario="leader-crash-during-replication"]');
    await page.waitForSelector('.tour');
    await page.click('.tour-next');
    await page.waitForSelector('.tour-text[data-tour-step="1"]');
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
