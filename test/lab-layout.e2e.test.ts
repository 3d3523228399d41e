/// <reference lib="dom" />
// The Lab's layout, fault-plan editing and replay ends (issue 22 items 8–10), measured in a
// real browser at 1280×800 and 390×844: Play and the slider above the fold, the plots a full
// row, the stage near the top of a phone, no two node labels overlapping at 40 nodes, the
// fault-plan box in one place for every algorithm; a plan's error under the plan with a caret
// at its character, impossible plans refused, the run marked stale until re-run, a liveness
// check not judged shown neutral; an opened trace's settings, cut links and checks; Replay at
// the end of a run; a colour per message type. Every wait is on a condition.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLab } from '../web/src/run.js';
import { type LabBrowser, openLab, setTime, startLabBrowser } from './support/lab-browser.js';

let lab: LabBrowser;
let dir: string;

beforeAll(async () => {
  lab = await startLabBrowser();
  dir = mkdtempSync(path.join(tmpdir(), 'lab-layout-'));
});

afterAll(async () => {
  await lab?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

async function box(page: Page, selector: string) {
  const b = await page.locator(selector).first().boundingBox();
  if (b === null) throw new Error(`${selector} is not laid out`);
  return b;
}

const urlAlgorithm = (page: Page) => new URL(page.url()).searchParams.get('algorithm');

async function choose(page: Page, algorithm: string) {
  await page.selectOption('#algorithm', algorithm);
  await expect.poll(() => urlAlgorithm(page)).toBe(algorithm);
}

/** Every node's id and badge as drawn: the four corners of each text's box on the screen. */
const labelQuads = (page: Page) =>
  page.$$eval('[data-node] text', (texts) =>
    texts
      .filter((t) => (t.textContent ?? '').trim() !== '')
      .map((t) => {
        const text = t as SVGTextElement;
        const b = text.getBBox();
        const m = text.getScreenCTM();
        if (m === null) throw new Error('a label is not laid out');
        const corner = (x: number, y: number) => ({
          x: m.a * x + m.c * y + m.e,
          y: m.b * x + m.d * y + m.f,
        });
        return {
          node: text.closest('[data-node]')?.getAttribute('data-node'),
          corners: [
            corner(b.x, b.y),
            corner(b.x + b.width, b.y),
            corner(b.x + b.width, b.y + b.height),
            corner(b.x, b.y + b.height),
          ],
        };
      }),
  );

type Quad = { x: number; y: number }[];

/** Two convex quadrilaterals overlap unless an edge's normal separates them (0.5 px grace). */
function overlap(a: Quad, b: Quad): boolean {
  for (const quad of [a, b])
    for (let i = 0; i < 4; i++) {
      const p = quad[i] as { x: number; y: number };
      const q = quad[(i + 1) % 4] as { x: number; y: number };
      const nx = q.y - p.y;
      const ny = p.x - q.x;
      const len = Math.hypot(nx, ny) || 1;
      const project = (s: Quad) => s.map((c) => (c.x * nx + c.y * ny) / len);
      const pa = project(a);
      const pb = project(b);
      if (Math.max(...pa) <= Math.min(...pb) + 0.5 || Math.max(...pb) <= Math.min(...pa) + 0.5)
        return false;
    }
  return true;
}

describe('the Lab at 1280×800', () => {
  it('shows Play and the slider above the fold, plots a full row, the plan box in one place', async () => {
    const { page, errors } = await openLab(lab, 1280, 800, 'algorithm=consensus/raft&seed=1');
    for (const selector of ['.transport .play', 'input[type=range]', 'svg.stage']) {
      const b = await box(page, selector);
      expect(b.y + b.height, selector).toBeLessThanOrEqual(800);
    }
    const planBox = await box(page, '#fault-plan');
    for (const algorithm of ['mutex/ricart-agrawala', 'election/bully', 'consensus/zab']) {
      await choose(page, algorithm);
      expect(await box(page, '#fault-plan'), algorithm).toEqual(planBox);
      const play = await box(page, '.transport .play');
      expect(play.y + play.height, algorithm).toBeLessThanOrEqual(800);
    }
    // Zab sends 13 message types: each has a colour of its own.
    const swatches = await page.$$eval('.counts .swatch', (s) =>
      s.map((e) => getComputedStyle(e).backgroundColor),
    );
    expect(swatches.length).toBeGreaterThan(10);
    expect(new Set(swatches).size).toBe(swatches.length);
    // The mutex family's plot takes the run's width, not a ~150 px column.
    await choose(page, 'mutex/ricart-agrawala');
    await page.click('#plot');
    await page.waitForSelector('.plots .uplot', { timeout: 120_000 });
    const stage = await box(page, 'svg.stage');
    expect((await box(page, '.plots .uplot')).width).toBeGreaterThanOrEqual(stage.width);
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);

  it('puts a plan error at its character, refuses impossible plans, marks the run stale', async () => {
    const { page, errors } = await openLab(lab, 1280, 800, 'algorithm=election/bully&seed=1');
    const plan = await box(page, '#fault-plan');
    const cases: [string, number, RegExp][] = [
      ['crash 1 @100; block 2->2 @5', 21, /node 2 on only one side of ->/],
      ['crash 1 @100\nrestart 2 @50', 1, /a crash of node 2 before its restart/],
      ['crash 1 @100; block 1,9->2 @5', 23, /a node id in 1\.\.5, found '9'/],
    ];
    for (const [text, column, message] of cases) {
      await page.fill('#fault-plan', text);
      await page.waitForSelector('.plan-error');
      expect(await page.getAttribute('.plan-error', 'data-error-column')).toBe(String(column));
      const line = text.split('\n').at(-1) as string;
      expect(await page.textContent('.plan-line')).toBe(line);
      expect(await page.textContent('.plan-caret')).toBe(`${' '.repeat(column - 1)}^`);
      expect(await page.textContent('.plan-error .error')).toMatch(message);
      // Under the plan, in its column — not above the stage.
      const shown = await box(page, '.plan-error');
      expect(shown.y).toBeGreaterThanOrEqual(plan.y + plan.height - 1);
      expect(shown.x).toBeGreaterThanOrEqual(plan.x - 1);
      expect(shown.x + shown.width).toBeLessThanOrEqual(plan.x + plan.width + 1);
      expect(await page.getAttribute('#fault-plan', 'aria-invalid')).toBe('true');
      // Run refuses it: the URL keeps the last good run's plan.
      await page.click('#run');
      expect(new URL(page.url()).searchParams.get('faults')).toBeNull();
    }
    // A plan that parses, edited in: the run on screen is the old one until Run.
    await page.fill('#fault-plan', 'crash 5 @300');
    await page.waitForSelector('[data-stale]');
    expect(await page.$('.plan-error')).toBeNull();
    await page.click('#run');
    await page.waitForSelector('[data-stale]', { state: 'detached' });
    await expect.poll(() => new URL(page.url()).searchParams.get('faults')).toBe('crash 5 @300');
    await page.fill('input[inputmode=numeric] >> nth=1', '2');
    await page.waitForSelector('[data-stale]');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows a liveness check not judged as neutral, and Replay at the end of a run', async () => {
    const { page, errors } = await openLab(lab, 1280, 800, 'algorithm=mutex/centralized&seed=1');
    await page.click('.scenarios summary');
    await page.click('[data-scenario="failover-split-brain"]');
    await page.waitForSelector('[data-scenario-now="failover-split-brain"]');
    const end = Number(await page.getAttribute('input[type=range]', 'max'));
    await setTime(page, end);
    const unjudged = page.locator('[data-verdict="not-judged"]');
    expect(await unjudged.count()).toBeGreaterThan(0);
    for (const text of await unjudged.allTextContents()) {
      expect(text).toMatch(/not judged/);
      expect(text).not.toContain('✗');
    }
    expect(await page.locator('.checks .broken').count()).toBeGreaterThan(0);
    // Play near the end at the fastest speed: it stops there and offers Replay.
    await page.selectOption('.transport select', '5');
    await setTime(page, Math.max(0, end - 20));
    expect(await page.textContent('.transport .play')).toBe('Play');
    await page.click('.transport .play');
    await page.waitForFunction(
      () => document.querySelector('.transport .play')?.textContent === 'Replay',
    );
    expect(Number(await page.inputValue('input[type=range]'))).toBe(end);
    // Replay starts over from the beginning (at the slowest speed: a busy machine must not
    // let it reach the end again before the slider is read).
    await page.selectOption('.transport select', '0.01');
    await page.click('.transport .play');
    expect(await page.textContent('.transport .play')).toBe('Pause');
    expect(Number(await page.inputValue('input[type=range]'))).toBeLessThan(end - 20);
    await page.click('.transport .play');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('replaces the settings with an opened trace, draws its cuts and shows its checks', async () => {
    const plan = 'partition 1,2|3,4,5 @100..3000; crash 5 @400';
    const input = { algorithm: 'election/bully', nodes: 5, seed: 3, faults: plan, options: {} };
    const made = runLab(input);
    const exported = path.join(dir, 'election-bully-seed3.jsonl');
    writeFileSync(exported, `${made.lines.join('\n')}\n`);
    const { page, errors } = await openLab(lab, 1280, 800, 'algorithm=consensus/raft&seed=1');
    await page.setInputFiles('.import input[type=file]', exported);
    await expect.poll(() => urlAlgorithm(page)).toBe('election/bully');
    expect(await page.inputValue('#algorithm')).toBe('election/bully');
    expect(await page.inputValue('#fault-plan')).toBe(plan);
    expect(await page.inputValue('input[inputmode=numeric] >> nth=0')).toBe('5');
    expect(await page.inputValue('input[inputmode=numeric] >> nth=1')).toBe('3');
    expect(await page.$('[data-stale]')).toBeNull();
    // The file reproduces: the run whole, its checks as simulate() judged them.
    const result = made.result;
    if (result === null) throw new Error('no result');
    const names = [...result.invariants, ...result.liveness].map((c) => c.name);
    expect(
      await page.$$eval('[data-check]', (l) => l.map((e) => e.getAttribute('data-check'))),
    ).toEqual(names);
    await setTime(page, 500);
    expect(await page.getAttribute('[data-link="1-3"]', 'data-cut')).toBe('true');
    expect(await page.getAttribute('[data-link="1-2"]', 'data-cut')).toBe('false');

    // Renamed, the file is a trace alone: still its settings, its cuts, its checks.
    const renamed = path.join(dir, 'someone.jsonl');
    writeFileSync(renamed, `${made.lines.join('\n')}\n`);
    await page.setInputFiles('.import input[type=file]', renamed);
    await page.waitForSelector('.trace-checks');
    expect(await page.inputValue('#fault-plan')).toBe(plan);
    expect(await page.getAttribute('[data-check="safety"]', 'class')).toBe('holds');
    expect(await page.getAttribute('[data-check="liveness"]', 'data-verdict')).toBe('not-judged');
    await setTime(page, 500);
    expect(await page.getAttribute('[data-link="2-4"]', 'data-cut')).toBe('true');
    await setTime(page, 3500);
    expect(await page.getAttribute('[data-link="2-4"]', 'data-cut')).toBe('false');
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe.each([
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
])('at $width×$height', ({ width, height }) => {
  it('keeps the fault-plan box in one place whatever the algorithm', async () => {
    const { page, errors } = await openLab(lab, width, height, 'algorithm=consensus/raft&seed=1');
    const planBox = await box(page, '#fault-plan');
    // Option counts from 2 to 13, summaries of one to four lines, Raft's log rows.
    for (const algorithm of [
      'election/bully',
      'txn/2pc',
      'scheduling/two-level',
      'chain/pow',
      'mutex/ricart-agrawala',
      'consensus/raft',
    ]) {
      await choose(page, algorithm);
      await page.waitForSelector(`[data-run-algorithm="${algorithm}"]`);
      expect(await box(page, '#fault-plan'), algorithm).toEqual(planBox);
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it('starts the stage near the top and keeps 40 nodes’ labels apart', async () => {
    const { page, errors } = await openLab(
      lab,
      width,
      height,
      'algorithm=election/bully&seed=1&nodes=40',
    );
    const stage = await box(page, 'svg.stage');
    expect(stage.y).toBeLessThan(height / 4);
    const play = await box(page, '.transport .play');
    expect(play.y + play.height).toBeLessThanOrEqual(height);
    // Bully's 40 nodes all name their leader by the end: long badges, all drawn.
    await setTime(page, Number(await page.getAttribute('input[type=range]', 'max')));
    expect(await page.locator('[data-node]').count()).toBe(40);
    const labels = await labelQuads(page);
    expect(labels.filter((l) => l !== undefined).length).toBeGreaterThan(40);
    const clashes: string[] = [];
    labels.forEach((a, i) => {
      for (const b of labels.slice(i + 1))
        if (a.node !== b.node && overlap(a.corners, b.corners)) clashes.push(`${a.node}/${b.node}`);
    });
    expect(clashes).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
