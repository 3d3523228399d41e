/// <reference lib="dom" />
// The Lab explains (issue 22), in a real browser at a laptop's and a phone's size: the chosen
// algorithm's explanation stands beside the stage (on a phone behind its summary), with the
// seed-note passage the header's "notes …" link opens; another algorithm brings its own; the
// EN/中文 switch changes the page's words and the explanation, and lang=zh in the URL survives
// a reload. On the Chinese page the registry's words — the summary, each named scenario's
// description, the loaded one's, the checks' and metrics' names — and the inspector's labels,
// values and status are Chinese.
// The texts on the page are compared with the data they come from (explain/, i18n/, inspect/),
// so a stale or missing text fails. Every wait is on a condition.

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findAlgorithm } from '../src/algorithms/registry.js';
import type { AnyAlgorithm } from '../src/core/algorithm.js';
import { explanationOf } from '../web/src/explain/index.js';
import { badgeIn } from '../web/src/i18n/badges.js';
import {
  checkNameIn,
  metricNameIn,
  scenarioDescriptionIn,
  summaryIn,
} from '../web/src/i18n/registry-text.js';
import { chrome } from '../web/src/i18n.js';
import { labelOf } from '../web/src/inspect/labels.js';
import {
  type LabBrowser,
  openLab,
  setTime,
  startLabBrowser,
  VIEWPORTS,
} from './support/lab-browser.js';

let lab: LabBrowser;

beforeAll(async () => {
  lab = await startLabBrowser();
});

afterAll(async () => {
  await lab?.close();
});

function explanation(name: string) {
  const e = explanationOf(name);
  if (e === undefined) throw new Error(`no explanation of ${name}`);
  return e;
}

/** The panel's parts as the page shows them (collapsed whitespace). */
const panelText = (page: Page, part: string) =>
  page.$eval(`.explain [data-explain="${part}"]`, (el) =>
    (el.textContent ?? '').replace(/\s+/g, ' ').trim(),
  );
const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Opens the panel if it is closed (a phone starts with it closed). */
async function openPanel(page: Page) {
  const open = await page.$eval('details.explain', (d) => (d as HTMLDetailsElement).open);
  if (!open) await page.click('details.explain > summary');
  await page.waitForSelector('.explain [data-explain="what"]', { state: 'visible' });
}

describe.each(VIEWPORTS)(
  'the Lab explains at $name size ($width×$height)',
  ({ name, width, height }) => {
    it('shows the explanation beside the stage, for each algorithm chosen', async () => {
      const { page, errors } = await openLab(lab, width, height, 'algorithm=consensus/raft&seed=1');
      // Desktop: open beside the stage; phone: closed below it, so the stage comes first.
      const open = await page.$eval('details.explain', (d) => (d as HTMLDetailsElement).open);
      expect(open).toBe(name === 'desktop');
      await openPanel(page);
      const raft = explanation('consensus/raft');
      expect(await panelText(page, 'what')).toBe(squash(raft.what.en));
      expect(await panelText(page, 'invariants')).toBe(squash(raft.invariants.en));
      expect(await panelText(page, 'fault-model')).toBe(squash(raft.faultModel.en));
      expect(await panelText(page, 'messages')).toBe(squash(raft.messages.en));
      expect(await panelText(page, 'passage-zh')).toBe(squash(raft.passage.zh.replace(/\n+/g, '')));
      expect(await panelText(page, 'passage-en')).toContain(squash(raft.passage.en));
      const stage = await page.locator('svg.stage').boundingBox();
      const panel = await page.locator('details.explain').boundingBox();
      if (stage === null || panel === null) throw new Error('stage or panel not laid out');
      if (name === 'desktop') {
        // Beside the stage: to its right, starting within the stage's height.
        expect(panel.x).toBeGreaterThanOrEqual(stage.x + stage.width);
        expect(panel.y).toBeLessThan(stage.y + stage.height);
      } else expect(panel.y).toBeGreaterThan(stage.y);
      // Another algorithm brings its own explanation, without pressing Run.
      await page.selectOption('#algorithm', 'mutex/token-ring');
      await page.waitForSelector('details.explain[data-explain-for="mutex/token-ring"]');
      await openPanel(page);
      const ring = explanation('mutex/token-ring');
      expect(await panelText(page, 'what')).toBe(squash(ring.what.en));
      expect(await panelText(page, 'passage-zh')).toBe(squash(ring.passage.zh.replace(/\n+/g, '')));
      expect(errors).toEqual([]);
      await page.close();
    });

    it('opens the quoted passage from the header’s notes link', async () => {
      const { page, errors } = await openLab(lab, width, height, 'algorithm=txn/2pc&seed=1');
      const link = page.locator('header a.seed');
      expect(await link.textContent()).toBe('notes 001 §2.3.1; SPEC §4');
      await link.click();
      const passage = page.locator('#seed-passage');
      await passage.waitFor({ state: 'visible' });
      // The passage is open, in view and focused — the link's target works on a phone too.
      await expect.poll(() => passage.evaluate((el) => el === document.activeElement)).toBe(true);
      const box = await passage.boundingBox();
      if (box === null) throw new Error('passage not laid out');
      expect(box.y).toBeLessThan(height);
      expect(box.y + box.height).toBeGreaterThan(0);
      expect(await passage.locator('cite').textContent()).toBe(
        explanation('txn/2pc').passage.source,
      );
      expect(errors).toEqual([]);
      await page.close();
    });

    it('speaks Chinese for the registry’s words and in the inspector', async () => {
      const { page, errors } = await openLab(
        lab,
        width,
        height,
        'algorithm=election/bully&seed=1&lang=zh',
      );
      const bully = findAlgorithm('election/bully') as AnyAlgorithm;
      expect(squash((await page.textContent('.page-header p')) ?? '')).toContain(
        squash(summaryIn(bully, 'zh')),
      );
      await page.click('.scenarios summary');
      const shown = await page.$$eval('.scenarios li', (items) =>
        items.map((li) => [
          li.querySelector('[data-scenario]')?.getAttribute('data-scenario') ?? '',
          (li.querySelector('.scenario-description')?.textContent ?? '').trim(),
        ]),
      );
      expect(shown).toEqual(
        bully.scenarios.map((s) => [s.name, scenarioDescriptionIn(bully.name, s, 'zh')]),
      );
      const split = bully.scenarios.find((s) => s.name === 'split-brain');
      if (split === undefined) throw new Error('bully has split-brain');
      await page.click('[data-scenario="split-brain"]');
      await page.waitForSelector('[data-scenario-now="split-brain"]');
      expect(await page.textContent('.scenario-now')).toContain(
        scenarioDescriptionIn(bully.name, split, 'zh'),
      );
      // The checks by their Chinese names; at the end, the badges' words in Chinese.
      const checks = await page.$$eval('[data-check]', (items) =>
        items.map((li) => [li.getAttribute('data-check') ?? '', li.textContent ?? '']),
      );
      expect(checks.length).toBeGreaterThan(0);
      for (const [name, text] of checks) expect(text).toContain(checkNameIn(name ?? '', 'zh'));
      // The metrics by their Chinese names, each with the name `--json` prints on hover.
      const metrics = await page.$$eval('.metrics th', (cells) =>
        cells.map((th) => [th.getAttribute('title') ?? '', (th.textContent ?? '').trim()]),
      );
      expect(metrics.map(([name]) => name)).toContain('leaderChanges');
      for (const [name, text] of metrics) {
        expect(text).toBe(metricNameIn(name ?? '', 'zh'));
        expect(text).toMatch(/[\u4e00-\u9fff]/);
      }
      await setTime(page, Number(await page.getAttribute('input[type=range]', 'max')));
      await page.waitForSelector('[data-node][data-badge="leader"]');
      const leader = page.locator('[data-node][data-badge="leader"] text.badge').first();
      expect((await leader.textContent())?.trim()).toBe(badgeIn('leader', 'zh'));
      // The inspector: labels, a role and the node's status in Chinese.
      await page.click('[data-node="1"]');
      await page.waitForSelector('[data-inspector="1"] [data-inspect="role"]');
      expect(await page.textContent('[data-inspect="role"] th')).toBe(labelOf('role', 'zh'));
      expect(await page.textContent('[data-inspect="role"] td')).toMatch(/[\u4e00-\u9fff]/);
      expect(await page.textContent('[data-inspector="1"] .status')).toBe(chrome('statusUp', 'zh'));
      expect(errors).toEqual([]);
      await page.close();
    });

    it('switches the page to Chinese and back, and keeps the language in the URL', async () => {
      const { page, errors } = await openLab(lab, width, height, 'algorithm=election/bully&seed=2');
      const bully = explanation('election/bully');
      await page.click('.lang-switch [data-lang="zh"]');
      await page.waitForSelector('#run >> text=运行');
      // The chrome: header, controls, transport, checks; and the explanation, in Chinese.
      expect(await page.textContent('h1')).toBe(chrome('title', 'zh'));
      expect(await page.textContent('.transport legend')).toBe(chrome('time', 'zh'));
      expect(await page.textContent('[aria-label="checks"] h2')).toContain(chrome('checks', 'zh'));
      expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
      await openPanel(page);
      expect(await panelText(page, 'what')).toBe(squash(bully.what.zh));
      expect(await page.$('.explain [data-explain="passage-en"]')).toBeNull();
      expect(new URL(page.url()).searchParams.get('lang')).toBe('zh');
      // A new run rewrites the URL's settings; the language stays.
      await page.fill('textarea', 'crash 5 @300');
      await page.click('#run');
      await expect.poll(() => new URL(page.url()).searchParams.get('faults')).toBe('crash 5 @300');
      expect(new URL(page.url()).searchParams.get('lang')).toBe('zh');
      // A reload through the URL opens in Chinese, the run as it was.
      await page.reload();
      await page.waitForSelector('[data-check]');
      expect(await page.textContent('#run')).toBe(chrome('run', 'zh'));
      expect(await page.inputValue('textarea')).toBe('crash 5 @300');
      await openPanel(page);
      expect(await panelText(page, 'what')).toBe(squash(bully.what.zh));
      // And back to English: lang leaves the URL.
      await page.click('.lang-switch [data-lang="en"]');
      await page.waitForSelector('#run >> text=Run');
      expect(await panelText(page, 'what')).toBe(squash(bully.what.en));
      expect(new URL(page.url()).searchParams.get('lang')).toBeNull();
      expect(errors).toEqual([]);
      await page.close();
    });
  },
);
