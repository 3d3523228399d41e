/// <reference lib="dom" />
// The Lab end to end, in a real browser (issue 8): `cohort lab` serves the built page,
// Debian's Chromium opens it through playwright-core, runs consensus/raft, crashes the
// leader from its inspector, and sees a new leader elected on the page — with the message
// counts the page shows equal to simulate()'s for the same seed and plan. A screenshot goes
// to test-output/. The page must raise no console errors and fit a phone's width. A run
// that breaks an invariant raises its alarm at the breaking step and not before; links cut
// and heal by a click; ring algorithms are drawn as their rings.
// `npm test` builds dist/ and dist/web and installs Chromium before the suite runs.

import { mkdirSync, readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raft } from '../src/algorithms/consensus/raft/index.js';
import { centralized } from '../src/algorithms/mutex/centralized/index.js';
import { listedAlgorithms } from '../src/algorithms/registry.js';
import { simulate } from '../src/sim/run.js';
import { type LabBrowser, openLab, setTime, startLabBrowser } from './support/lab-browser.js';

let lab: LabBrowser;

beforeAll(async () => {
  lab = await startLabBrowser();
});

afterAll(async () => {
  await lab?.close();
});

const openPage = (width: number, height: number, query: string) =>
  openLab(lab, width, height, query);

const countsOn = (page: Page) =>
  page.$$eval('[data-type]', (cells) =>
    Object.fromEntries(cells.map((c) => [c.getAttribute('data-type'), Number(c.textContent)])),
  );

describe('the Lab', () => {
  it('crashes the Raft leader by a click and shows the re-election, counts as the CLI', async () => {
    const { page, errors } = await openPage(
      1280,
      800,
      'algorithm=consensus/raft&seed=1&o.configChanges=false',
    );
    await setTime(page, 600);
    const leader = page.locator('[data-node="3"]');
    expect(await leader.getAttribute('data-badge')).toBe('leader 1');
    await leader.click();
    await page.click('[data-inspector="3"] .crash-toggle');
    await expect.poll(() => page.inputValue('textarea')).toBe('crash 3 @600');
    await page.waitForSelector('[data-node="3"][data-status="crashed"]');
    const end = Number(await page.locator('input[type=range]').getAttribute('max'));
    await setTime(page, end);
    const badges = await page.$$eval('[data-node]', (nodes) =>
      nodes.map((n) => n.getAttribute('data-badge') ?? ''),
    );
    expect(badges.some((b) => /^leader [2-9]/.test(b))).toBe(true);
    // A candidate that lost term 1 no longer shows as campaigning once term 2 has a leader.
    expect(badges.filter((b) => /^campaign 1$/.test(b))).toEqual([]);
    expect(await page.getAttribute('[data-check="leader-elected"]', 'class')).toBe('holds');
    const cli = simulate(raft, {
      seed: 1,
      faults: 'crash 3 @600',
      options: { configChanges: false },
      trace: 'full',
    });
    expect(await countsOn(page)).toEqual(cli.result.messages.byType);
    mkdirSync('test-output', { recursive: true });
    await page.screenshot({ path: 'test-output/lab-raft.png', fullPage: true });
    // The exported trace is the CLI's `--trace` file, and opening it replays the run.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('text=Export trace'),
    ]);
    const file = (await download.path()) as string;
    expect(readFileSync(file, 'utf8')).toBe(`${cli.sim.trace.lines.join('\n')}\n`);
    await page.setInputFiles('input[type=file]', file);
    await page.waitForSelector('text=A trace from a file');
    expect(await page.$$('[data-node]')).toHaveLength(8);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('replays the same run from a shared URL, fits a phone, and runs every family', async () => {
    const query = 'algorithm=mutex/centralized&seed=4&faults=crash%201%20%40300';
    const { page, errors } = await openPage(390, 844, query);
    expect(await page.inputValue('textarea')).toBe('crash 1 @300');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    await expect.poll(() => page.isVisible('#run')).toBe(true);
    // Shift-click two nodes: the link between them is cut (both ways) at the slider's time.
    await page.click('[data-node="2"]', { modifiers: ['Shift'] });
    await page.click('[data-node="3"]', { modifiers: ['Shift'] });
    await expect
      .poll(() => page.inputValue('textarea'))
      .toBe('crash 1 @300; block 2->3 @0; block 3->2 @0');
    await page.click('text=Heal links');
    await expect.poll(() => page.inputValue('textarea')).toMatch(/; heal @0$/);
    await page.click('#plot');
    await page.waitForSelector('.chart .u-title');
    // The menu offers what `cohort sim list` lists: no test-only algorithm.
    const menu = await page.$$eval('#algorithm option', (os) =>
      os.map((o) => (o as HTMLOptionElement).value),
    );
    expect(menu).toEqual(listedAlgorithms().map((a) => a.name));
    for (const name of ['chain/pow', 'byzantine/signed-messages', 'election/zab-fle']) {
      await page.selectOption('#algorithm', name);
      await page.click('#run');
      await page.waitForSelector('[data-check]');
      expect(await page.$$('.error')).toHaveLength(0);
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it('raises the alarm at the step that broke mutual exclusion, not before', async () => {
    // mutex/centralized's failover-split-brain scenario: both sides of the partition grant.
    const faults = encodeURIComponent('partition 1,2,3|4,5 @200..6000');
    const query = `algorithm=mutex/centralized&seed=1&faults=${faults}&o.failover=true&o.requests=40&o.thinkMs=100`;
    const { page, errors } = await openPage(1280, 800, query);
    const cli = simulate(centralized, {
      seed: 1,
      faults: 'partition 1,2,3|4,5 @200..6000',
      options: { failover: true, requests: 40, thinkMs: 100 },
      trace: 'full',
    });
    const broken = cli.result.invariants.find((c) => !c.holds)?.name as string;
    const atMs = cli.sim.violation?.atMs as number;
    expect(atMs).toBeGreaterThan(200);
    expect(await page.getAttribute('.violation-tick', 'data-violation-at')).toBe(String(atMs));
    const check = page.locator(`[data-check="${broken}"]`);
    await setTime(page, atMs - 1);
    expect(await check.getAttribute('class')).toBe('pending');
    expect(await check.textContent()).toContain('holds so far');
    expect(await page.$$('.checks [role=alert]')).toHaveLength(0);
    await page.click('.jump-violation');
    expect(await page.textContent('.transport output')).toBe(`${atMs.toFixed(1)} ms`);
    await page.waitForSelector(`.checks [role=alert][data-check="${broken}"]`);
    expect(await check.getAttribute('class')).toBe('broken');
    // The partition shows on the stage as cut links across it, none inside a side.
    expect(await page.getAttribute('[data-link="3-4"]', 'data-cut')).toBe('true');
    expect(await page.getAttribute('[data-link="1-2"]', 'data-cut')).toBe('false');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('draws the ring, cuts a link by a click and heals it from the keyboard', async () => {
    const { page, errors } = await openPage(1280, 800, 'algorithm=mutex/token-ring&seed=1');
    const edges = await page.$$eval('[data-ring-edge]', (lines) =>
      lines.map((l) => l.getAttribute('data-ring-edge')),
    );
    expect(edges).toEqual(['1->2', '2->3', '3->4', '4->5', '5->1']);
    expect(await page.$$('[data-link]')).toHaveLength(10);
    await setTime(page, 300);
    await page.click('[data-link="2-3"]');
    await expect.poll(() => page.inputValue('textarea')).toBe('block 2->3 @300; block 3->2 @300');
    await page.waitForSelector('[data-link="2-3"][data-cut="true"]');
    expect(await page.$$('.ring-edge.cut')).toHaveLength(1);
    await setTime(page, 800);
    await page.focus('[data-link="2-3"]');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.inputValue('textarea'))
      .toBe('block 2->3 @300..800; block 3->2 @300..800');
    await page.waitForSelector('[data-link="2-3"][data-cut="false"]');
    await setTime(page, 500);
    await page.waitForSelector('[data-link="2-3"][data-cut="true"]');
    // Two-layer rings: three LANs of three, each a small ring, their first nodes a big one.
    await page.selectOption('#algorithm', 'mutex/two-layer-token-ring');
    await page.fill('textarea', '');
    await page.click('#run');
    await expect.poll(() => page.$$('[data-ring-edge]').then((l) => l.length)).toBe(12);
    expect(await page.$$('[data-ring-edge="7->1"]')).toHaveLength(1);
    expect(await page.$$('[data-ring-edge="9->7"]')).toHaveLength(1);
    expect(errors).toEqual([]);
    await page.close();
  });
});
