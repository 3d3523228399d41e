/// <reference lib="dom" />
// The Lab's partitioning view (issue 19) in a real browser, one page load: opened by its
// link (view=partition) at 1280×800, every scheme of `cohort partition compare` has its bar
// plot of keys per node, and the keys per node, max/mean and the moved, expected and least
// possible fractions on the page are the library's for the same inputs (computed here in
// Node); changing the node count redraws the bars and the URL follows; the header's switch
// goes to the simulator and back with the inputs kept; at a phone's width nothing overflows
// the screen sideways. Every wait is on a condition.

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_VNODES } from '../src/cluster/partition/index.js';
import {
  compareSchemes,
  DEFAULT_INPUT,
  type PartitionInput,
  percent,
  type SchemeRow,
} from '../web/src/partition-compare.js';
import { type LabBrowser, startLabBrowser } from './support/lab-browser.js';

let lab: LabBrowser;

beforeAll(async () => {
  lab = await startLabBrowser();
});

afterAll(async () => {
  await lab?.close();
});

interface Shown {
  readonly label: string;
  readonly keys: number[];
  readonly maxOverMean: string;
  readonly fractions: Record<string, number>;
  readonly texts: Record<string, string>;
}

/** Each scheme's card as the page shows it, once the results match the inputs. */
async function shown(page: Page): Promise<Shown[]> {
  await page.waitForSelector('.p-results[aria-busy="false"] .p-scheme');
  return page.$$eval('.p-scheme', (cards) =>
    cards.map((card) => {
      const fractions: Record<string, number> = {};
      const texts: Record<string, string> = {};
      for (const f of Array.from(card.querySelectorAll<HTMLElement>('[data-fraction]'))) {
        const kind = f.dataset.fraction as string;
        fractions[kind] = Number(f.dataset.value);
        texts[kind] = f.querySelector('.p-fraction-value')?.textContent ?? '';
      }
      return {
        label: card.getAttribute('data-scheme') ?? '',
        keys: Array.from(card.querySelectorAll('svg.p-bars rect.p-bar')).map((r) =>
          Number(r.getAttribute('data-keys')),
        ),
        maxOverMean: card.querySelector('[data-max-over-mean]')?.textContent ?? '',
        fractions,
        texts,
      };
    }),
  );
}

function expected(input: PartitionInput) {
  const rows = compareSchemes(input);
  if (rows instanceof Error) throw rows;
  return rows.map((r: SchemeRow) => {
    const m = r.report.movement;
    if (m === undefined) throw new Error('the view always measures a change');
    return {
      label: r.label,
      keys: r.report.before.perNode.map((l) => l.keys),
      maxOverMean: r.report.before.maxOverMean.toFixed(3),
      fractions: { moved: m.movedFraction, expected: m.expectedFraction, least: m.minimalFraction },
      texts: {
        moved: percent(m.movedFraction, 2),
        expected: `${percent(m.expectedFraction, 2)} (${m.expectedFormula})`,
        least: percent(m.minimalFraction, 2),
      },
    };
  });
}

describe('the partitioning view', () => {
  it("plots every scheme with the library's figures, at 1280×800 and a phone's width", async () => {
    const page = await lab.browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${lab.url}?view=partition`);

    // Every scheme compare prints, each with a bar per node and the library's numbers.
    const first = await shown(page);
    expect(first.map((s) => s.label)).toEqual([
      'modn',
      'ring, 1 vnode',
      `ring, ${DEFAULT_VNODES} vnodes`,
      'ketama',
      'jump',
      'rendezvous',
      'slots',
    ]);
    expect(first).toEqual(expected(DEFAULT_INPUT));
    for (const s of first) expect(s.keys).toHaveLength(DEFAULT_INPUT.nodes);
    const command = await page.textContent('[data-command]');
    expect(command).toContain('partition compare --nodes n1,n2,n3,n4,n5');

    // Eight nodes: the bars redraw, the figures follow the library, the URL keeps the count.
    await page.fill('input[name="p-nodes"]', '8');
    await page.waitForFunction(
      () => document.querySelectorAll('.p-scheme:first-child rect.p-bar').length === 8,
    );
    const eight = await shown(page);
    expect(eight).toEqual(expected({ ...DEFAULT_INPUT, nodes: 8 }));
    expect(eight[0]?.keys).not.toEqual(first[0]?.keys);
    expect(new URL(page.url()).searchParams.get('p.nodes')).toBe('8');

    // To the simulator and back: the view's inputs stay.
    await page.click('[data-view="simulator"]');
    await page.waitForSelector('[data-check]');
    expect(await page.$('.partition')).toBeNull();
    await page.click('[data-view="partition"]');
    expect(await shown(page)).toEqual(eight);

    // A phone: the plots fit the screen's width, nothing scrolls sideways.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForFunction(() => document.documentElement.scrollWidth <= 390);
    const boxes = await page.$$eval('svg.p-bars', (svgs) =>
      svgs.map((s) => s.getBoundingClientRect()).map((b) => ({ left: b.left, right: b.right })),
    );
    expect(boxes).toHaveLength(7);
    for (const b of boxes) {
      expect(b.left).toBeGreaterThanOrEqual(0);
      expect(b.right).toBeLessThanOrEqual(390);
    }
    expect(errors).toEqual([]);
    await page.close();
  });
});
