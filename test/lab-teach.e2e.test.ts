/// <reference lib="dom" />
// The Lab as a teacher (issue 22), in a real browser at a laptop's and a phone's size: the
// page re-runs as soon as another algorithm is chosen; a click on a node opens an inspector
// with its state at the slider's time (and crash/restart moves there); badges name the
// actual leader; each algorithm's named scenarios are offered and run. Each test compares
// the page with simulate() for the same settings, so a page that shows stale or invented
// numbers fails. No timing thresholds: every wait is on a condition.

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findAlgorithm } from '../src/algorithms/registry.js';
import { simulate } from '../src/sim/run.js';
import { type LabBrowser, openLab, startLabBrowser, VIEWPORTS } from './support/lab-browser.js';

let lab: LabBrowser;

beforeAll(async () => {
  lab = await startLabBrowser();
});

afterAll(async () => {
  await lab?.close();
});

const checksOn = (page: Page) =>
  page.$$eval('[data-check]', (items) => items.map((i) => i.getAttribute('data-check')));
const metricsOn = (page: Page) =>
  page.$$eval('[data-metric]', (cells) => cells.map((c) => c.getAttribute('data-metric')));

function spec(name: string) {
  const found = findAlgorithm(name);
  if (found === undefined) throw new Error(`no ${name}`);
  return found;
}

describe.each(VIEWPORTS)('the Lab at $name size ($width×$height)', ({ width, height }) => {
  it('re-runs at once when another algorithm is chosen', async () => {
    const { page, errors } = await openLab(
      lab,
      width,
      height,
      'algorithm=consensus/raft&seed=3&faults=crash%203%20%40600&o.configChanges=false',
    );
    expect(await page.$$('[data-node]')).toHaveLength(8);
    await page.selectOption('#algorithm', 'mutex/ricart-agrawala');
    // No Run pressed: the stage, checks, metrics and URL are the new algorithm's already.
    await expect.poll(() => page.$$('[data-node]').then((n) => n.length)).toBe(5);
    const cli = simulate(spec('mutex/ricart-agrawala'), { seed: 3 }).result;
    expect(await checksOn(page)).toEqual([
      ...cli.invariants.map((c) => c.name),
      ...cli.liveness.map((c) => c.name),
    ]);
    expect(await metricsOn(page)).toEqual(Object.keys(cli.metrics));
    const query = new URL(page.url()).searchParams;
    expect(query.get('algorithm')).toBe('mutex/ricart-agrawala');
    expect(query.get('seed')).toBe('3');
    expect(query.get('faults')).toBeNull();
    expect([...query.keys()].filter((k) => k.startsWith('o.'))).toEqual([]);
    expect(await page.inputValue('textarea')).toBe('');
    expect(await page.textContent('header')).toContain(spec('mutex/ricart-agrawala').summary);
    expect(errors).toEqual([]);
    await page.close();
  });
});
