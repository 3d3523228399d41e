/// <reference lib="dom" />
// The Lab end to end, in a real browser (issue 8): `cohort lab` serves the built page,
// Debian's Chromium opens it through playwright-core, runs consensus/raft, crashes the
// leader by clicking its node, and sees a new leader elected on the page — with the message
// counts the page shows equal to simulate()'s for the same seed and plan. A screenshot goes
// to test-output/. The page must raise no console errors and fit a phone's width.
// `npm test` builds dist/ and dist/web and installs Chromium before the suite runs.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raft } from '../src/algorithms/consensus/raft/index.js';
import { simulate } from '../src/sim/run.js';

let server: ChildProcess;
let browser: Browser;
let url = '';

beforeAll(async () => {
  server = spawn('node', ['dist/src/cli/main.js', 'lab', '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  url = await new Promise<string>((resolve, reject) => {
    server.stdout?.on('data', (chunk: Buffer) => {
      const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(chunk.toString());
      if (m !== null) resolve(m[0]);
    });
    server.on('exit', (code) => reject(new Error(`cohort lab exited with ${code}`)));
  });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  server?.kill();
});

async function openPage(width: number, height: number, query: string) {
  const page = await browser.newPage({ viewport: { width, height } });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${url}?${query}`);
  await page.waitForSelector('[data-check]');
  return { page, errors };
}

async function setTime(page: Page, ms: number): Promise<void> {
  await page.locator('input[type=range]').evaluate((el, v) => {
    (el as HTMLInputElement).value = v;
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, String(ms));
}

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
    await expect.poll(() => page.inputValue('textarea')).toBe('crash 3 @600');
    await page.waitForSelector('[data-node="3"][data-status="crashed"]');
    const end = Number(await page.locator('input[type=range]').getAttribute('max'));
    await setTime(page, end);
    const badges = await page.$$eval('[data-node]', (nodes) =>
      nodes.map((n) => n.getAttribute('data-badge') ?? ''),
    );
    expect(badges.some((b) => /^leader [2-9]/.test(b))).toBe(true);
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
    for (const name of ['chain/pow', 'byzantine/signed-messages', 'election/zab-fle']) {
      await page.selectOption('#algorithm', name);
      await page.click('#run');
      await page.waitForSelector('[data-check]');
      expect(await page.$$('.error')).toHaveLength(0);
    }
    expect(errors).toEqual([]);
    await page.close();
  });
});
