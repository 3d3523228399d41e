/// <reference lib="dom" />
// Fault markers on the timeline (issue 22), in a real browser at 1280×800: Raft's
// membership-change scenario (5% of messages lost, server 2 crashed and restarted) marks
// every fault event the trace records at its tick — crash and restart where the slider
// would put them — and its dropped messages below the track, adding up to the run's drops;
// compared with runLab() for the same scenario, so a missing or misplaced mark fails.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findAlgorithm } from '../src/algorithms/registry.js';
import { runLab } from '../web/src/run.js';
import { type LabBrowser, openLab, startLabBrowser } from './support/lab-browser.js';

let lab: LabBrowser;

beforeAll(async () => {
  lab = await startLabBrowser();
});

afterAll(async () => {
  await lab?.close();
});

const SCENARIO = 'membership-change-under-faults';

function expectedRun() {
  const scenario = findAlgorithm('consensus/raft')?.scenarios.find((s) => s.name === SCENARIO);
  if (scenario === undefined) throw new Error(`no ${SCENARIO}`);
  return runLab({
    algorithm: 'consensus/raft',
    nodes: scenario.nodes,
    seed: 1,
    faults: scenario.faults,
    options: scenario.options ?? {},
  });
}

describe('timeline fault markers at 1280×800', () => {
  it('marks each fault event at its tick and the drops along the run', async () => {
    const run = expectedRun();
    const faults = run.records.flatMap((r) => (r.ev === 'fault' ? [r] : []));
    const drops = run.records.filter((r) => r.ev === 'drop').length;
    expect(faults.map((f) => f.fault)).toEqual(['crash 2 @700', 'restart 2 @1600']);
    expect(drops).toBeGreaterThan(0);

    const { page, errors } = await openLab(lab, 1280, 800, 'algorithm=consensus/raft&seed=1');
    await page.click('.scenarios summary');
    await page.click(`[data-scenario="${SCENARIO}"]`);
    await page.waitForSelector('.fault-marker.fault-crash');
    const marks = await page.$$eval('.fault-marker', (els) =>
      els.map((el) => ({
        at: Number(el.getAttribute('data-fault-at')),
        text: el.getAttribute('data-fault'),
        kind: el.className,
      })),
    );
    expect(marks).toEqual(
      faults.map((f) => ({
        at: f.t,
        text: f.fault,
        kind: `fault-marker fault-${f.fault.split(' ')[0]}`,
      })),
    );
    const onPage = await page.$$eval('.drop-marker', (els) =>
      els.reduce((sum, el) => sum + Number(el.getAttribute('data-drops')), 0),
    );
    expect(onPage).toBe(drops);
    // Where the marks sit: at the fraction of the track their tick is of the run.
    const track = await page.locator('input[type=range]').boundingBox();
    if (track === null) throw new Error('no slider');
    for (const f of faults) {
      const mark = await page.locator(`.fault-marker[data-fault-at="${f.t}"]`).boundingBox();
      if (mark === null) throw new Error(`no mark at ${f.t}`);
      const centre = mark.x + mark.width / 2;
      const expected = track.x + 8 + (track.width - 16) * (f.t / run.endMs);
      expect(Math.abs(centre - expected)).toBeLessThan(3);
    }
    expect(errors).toEqual([]);
    await page.close();
  });
});
