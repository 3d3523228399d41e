/// <reference lib="dom" />
// The Lab as a teacher (issue 22), in a real browser at a laptop's and a phone's size: the
// page re-runs as soon as another algorithm is chosen; a click on a node opens an inspector
// with its state at the slider's time (and crash/restart moves there); badges name the
// actual leader; each algorithm's named scenarios are offered and run. Each test compares
// the page with simulate() for the same settings, so a page that shows stale or invented
// numbers fails. No timing thresholds: every wait is on a condition.

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerState } from '../src/algorithms/consensus/raft/state.js';
import { findAlgorithm } from '../src/algorithms/registry.js';
import { prepareRun, simulate } from '../src/sim/run.js';
import {
  badgesOn,
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

const countsOn = (page: Page) =>
  page.$$eval('[data-type]', (cells) =>
    Object.fromEntries(cells.map((c) => [c.getAttribute('data-type'), Number(c.textContent)])),
  );
const checksOn = (page: Page) =>
  page.$$eval('[data-check]', (items) => items.map((i) => i.getAttribute('data-check')));
const metricsOn = (page: Page) =>
  page.$$eval('[data-metric]', (cells) => cells.map((c) => c.getAttribute('data-metric')));

/** A node's state at t, replayed by the simulator itself (the page's oracle). */
function stateAt(name: string, query: Parameters<typeof prepareRun>[1], t: number, id: number) {
  const { sim } = prepareRun(spec(name), query);
  sim.start();
  sim.runUntil(t);
  return sim.nodes[id - 1]?.state as Record<string, unknown>;
}

const fieldOn = (page: Page, label: string) =>
  page.textContent(`[data-inspector] [data-inspect="${label}"] td`);

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

  it('inspects a node at the slider time, and crashes it from the inspector', async () => {
    const raftRun = { seed: 1, options: { configChanges: false } };
    const { page, errors } = await openLab(
      lab,
      width,
      height,
      'algorithm=consensus/raft&seed=1&o.configChanges=false',
    );
    await setTime(page, 600);
    await page.click('[data-node="3"]');
    await page.waitForSelector('[data-inspector="3"]');
    // A click inspects; it no longer crashes.
    expect(await page.inputValue('textarea')).toBe('');
    const s = stateAt('consensus/raft', raftRun, 600, 3) as unknown as ServerState;
    expect(s.role).toBe('leader');
    expect(await fieldOn(page, 'term')).toBe(String(s.term));
    expect(await fieldOn(page, 'role')).toBe('leader');
    expect(await fieldOn(page, 'votedFor')).toBe(String(s.votedFor));
    expect(await fieldOn(page, 'commitIndex')).toBe(String(s.commitIndex));
    expect(await fieldOn(page, 'lastApplied')).toBe(String(s.lastApplied));
    const cells = page.locator('[data-inspector] .log-cell');
    expect(await cells.count()).toBe(s.log.entries.length);
    const committed = s.log.entries.filter((e) => e.index <= s.commitIndex).length;
    expect(await page.locator('.log-cell[data-committed="true"]').count()).toBe(committed);
    expect(committed).toBeLessThan(s.log.entries.length); // one entry still uncommitted at 600
    const peerRows = page.locator('[data-inspect="peers"] tbody tr');
    expect(await peerRows.count()).toBe(s.progress.size);
    const p1 = s.progress.get(1);
    expect(await peerRows.first().textContent()).toBe(
      `1${p1?.nextIndex}${p1?.matchIndex}${p1?.state}`,
    );
    // The inspector follows the slider: before the first election, a follower of term 0.
    await setTime(page, 100);
    await expect.poll(() => fieldOn(page, 'role')).toBe('follower');
    expect(await fieldOn(page, 'term')).toBe('0');
    expect(await cells.count()).toBe(0);
    // Everything the kernel keeps is there too, nested values collapsed.
    await page.click('[data-inspector] .full-state > summary');
    const shown = await page.$$eval('[data-inspector] .tree.top > [data-field]', (rows) =>
      rows.map((r) => r.getAttribute('data-field')),
    );
    expect(shown).toEqual(
      Object.entries(stateAt('consensus/raft', raftRun, 100, 3))
        .filter(([, v]) => typeof v !== 'function')
        .map(([k]) => k),
    );
    // Crash and restart from the inspector: the button, then the C key.
    await setTime(page, 600);
    await page.click('[data-inspector="3"] .crash-toggle');
    await expect.poll(() => page.inputValue('textarea')).toBe('crash 3 @600');
    await page.waitForSelector('[data-node="3"][data-status="crashed"]');
    await page.waitForSelector('[data-inspector="3"] >> text=Down');
    await setTime(page, 900);
    await page.waitForSelector('.transport output >> text=900.0 ms');
    await page.keyboard.press('c');
    await expect.poll(() => page.inputValue('textarea')).toBe('crash 3 @600; restart 3 @900');
    await setTime(page, 1500);
    await page.waitForSelector('[data-inspector="3"] >> text=restarted 1×');
    expect(await fieldOn(page, 'role')).toBe('follower');
    expect(errors).toEqual([]);
    await page.close();
  });

  it("shows Ricart–Agrawala's declared fields, then its full state once opened", async () => {
    const { page, errors } = await openLab(
      lab,
      width,
      height,
      'algorithm=mutex/ricart-agrawala&seed=1',
    );
    await setTime(page, 300);
    await page.click('[data-node="1"]');
    await page.waitForSelector('[data-inspector="1"] .full-state:not([open])');
    const state = stateAt('mutex/ricart-agrawala', { seed: 1 }, 300, 1);
    // Every algorithm declares its fields (inspect/fields.ts): the clock and the entries.
    expect(await fieldOn(page, 'clock')).toBe(String(state.clock));
    expect(await fieldOn(page, 'served')).toBe(String(state.served));
    await page.click('[data-inspector] .full-state > summary');
    await page.waitForSelector('[data-inspector="1"] .full-state[open]');
    const rows = await page.$$eval('[data-inspector] .tree.top > [data-field]', (els) =>
      Object.fromEntries(
        els.map((r) => [r.getAttribute('data-field'), r.querySelector('dd')?.textContent]),
      ),
    );
    expect(Object.keys(rows)).toEqual(Object.keys(state));
    expect(rows.served).toBe(String(state.served));
    expect(rows.phase).toBe(JSON.stringify(state.phase));
    // Escape closes it.
    await page.keyboard.press('Escape');
    await expect.poll(() => page.$$('[data-inspector]').then((l) => l.length)).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('badges name the actual leader and drop a lost campaign', async () => {
    // election/bully: node 5 leads term 1; crashed at 300, node 4 leads term 2.
    const query = 'algorithm=election/bully&seed=1&faults=crash%205%20%40300';
    const { page, errors } = await openLab(lab, width, height, query);
    const cli = simulate(spec('election/bully'), { seed: 1, faults: 'crash 5 @300' }).result;
    expect(cli.metrics.leader).toBe(4);
    await setTime(page, 200);
    expect(await badgesOn(page)).toEqual({
      1: 'leader is 5',
      2: 'leader is 5',
      3: 'leader is 5',
      4: 'leader is 5',
      5: 'leader',
    });
    await setTime(page, cli.virtualTimeMs);
    await expect
      .poll(() => badgesOn(page))
      .toEqual({
        1: 'leader is 4',
        2: 'leader is 4',
        3: 'leader is 4',
        4: 'leader',
        5: '',
      });
    expect(await page.textContent('[data-metric="leader"]')).toBe('4');
    // Its split-brain scenario: each side names its own leader while the partition lasts.
    await page.click('.scenarios summary');
    await page.click('[data-scenario="split-brain"]');
    await page.waitForSelector('[data-scenario-now="split-brain"]');
    await setTime(page, 1000);
    await expect
      .poll(() => badgesOn(page))
      .toEqual({
        1: 'leader is 2',
        2: 'leader',
        3: 'leader is 5',
        4: 'leader is 5',
        5: 'leader',
      });
    // consensus/raft, seed 1: node 1 campaigned for term 1 and lost it to node 3.
    const raftRun = simulate(spec('consensus/raft'), {
      seed: 1,
      options: { configChanges: false },
      trace: 'full',
    });
    const campaigned = raftRun.sim.trace.records.some(
      (r) => r.ev === 'output' && r.node === 1 && r.t < 600 && r.output.type === 'campaign',
    );
    expect(campaigned).toBe(true);
    await page.goto(`${lab.url}?algorithm=consensus/raft&seed=1&o.configChanges=false`);
    await page.waitForSelector('[data-check]');
    await setTime(page, 600);
    await expect.poll(() => badgesOn(page).then((b) => b[3])).toBe('leader 1');
    expect((await badgesOn(page))[1]).toBe('');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('offers the named scenarios, loads one and runs it; option help opens on a tap', async () => {
    const { page, errors } = await openLab(
      lab,
      width,
      height,
      'algorithm=mutex/centralized&seed=1',
    );
    const central = spec('mutex/centralized');
    await page.click('.scenarios summary');
    const listed = await page.$$eval('.scenarios li', (items) =>
      items.map((li) => [
        li.querySelector('[data-scenario]')?.getAttribute('data-scenario'),
        li.querySelector('.scenario-description')?.textContent,
      ]),
    );
    expect(listed).toEqual(central.scenarios.map((s) => [s.name, s.description]));
    const chosen = central.scenarios.find((s) => s.name === 'failover-split-brain');
    if (chosen === undefined) throw new Error('the scenario is gone');
    await page.click('[data-scenario="failover-split-brain"]');
    await page.waitForSelector('[data-scenario-now="failover-split-brain"]');
    expect(await page.inputValue('textarea')).toBe(chosen.faults);
    expect(await page.inputValue('#option-requests')).toBe('40');
    expect(await page.inputValue('#option-failover')).toBe('true');
    const cli = simulate(central, {
      seed: 1,
      faults: chosen.faults,
      options: chosen.options ?? {},
      ...(chosen.nodes !== undefined && { nodes: chosen.nodes }),
      ...(chosen.durationMs !== undefined && { durationMs: chosen.durationMs }),
    }).result;
    await expect.poll(() => countsOn(page)).toEqual(cli.messages.byType);
    // It shows what the registry says it shows: here a broken safety check.
    expect(chosen.expect.safety).toBe('violated');
    await page.click('.jump-violation');
    await page.waitForSelector('.checks [role=alert]');
    // The URL names the scenario and replays it.
    expect(new URL(page.url()).searchParams.get('scenario')).toBe('failover-split-brain');
    await page.goto(page.url());
    await page.waitForSelector('[data-scenario-now="failover-split-brain"]');
    expect(await countsOn(page)).toEqual(cli.messages.byType);
    // Help for an option without hovering: a tap shows it, another hides it.
    const help = page.locator('[data-option="thinkMs"] .help-toggle');
    await help.click();
    expect(await page.textContent('#option-thinkMs-help')).toBe(
      central.options.thinkMs?.description,
    );
    expect(await help.getAttribute('aria-expanded')).toBe('true');
    await help.click();
    await expect.poll(() => page.$$('#option-thinkMs-help').then((l) => l.length)).toBe(0);
    // Back to the defaults: the plan and the scenario's options go.
    await page.click('.scenario-now button');
    await expect.poll(() => page.inputValue('textarea')).toBe('');
    expect(await page.inputValue('#option-requests')).toBe('');
    expect(new URL(page.url()).searchParams.get('scenario')).toBeNull();
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows a message on hover and tap, and drops dying on their link', async () => {
    const faults = 'drop 20% @0..2000; dup 20% @0..2000; crash 3 @500';
    const query = `algorithm=mutex/ricart-agrawala&seed=1&faults=${encodeURIComponent(faults)}`;
    const { page, errors } = await openLab(lab, width, height, query);
    const { result, sim } = simulate(spec('mutex/ricart-agrawala'), {
      seed: 1,
      faults,
      trace: 'full',
    });
    const { sent, dropped, duplicated } = result.messages;
    expect(await page.textContent('[data-message-totals]')).toBe(
      `Messages: ${sent} sent, ${dropped} dropped, ${duplicated} duplicated`,
    );
    const records = sim.trace.records;
    // A message lost as it was sent: a hollow dot on its link, then an ✗ where it died.
    const lostAt = records.findIndex((r) => r.ev === 'drop' && r.reason === 'loss');
    const lost = records[lostAt];
    if (lost?.ev !== 'drop') throw new Error('no loss');
    const onLink = `[data-from="${lost.from}"][data-to="${lost.to}"]`;
    await setTime(page, lost.t);
    await page.waitForSelector(`[data-flight]${onLink}[data-fate="dropped"]`);
    let died = false;
    for (let dt = 0.5; dt < 40 && !died; dt += 0.5) {
      await setTime(page, lost.t + dt);
      died = (await page.$$(`[data-flight]${onLink}[data-fate="died"]`)).length > 0;
    }
    expect(died).toBe(true);
    // One refused on arrival (its receiver crashed): it dies at the receiver when it arrives.
    const refused = records.find((r) => r.ev === 'drop' && r.reason === 'down');
    if (refused?.ev !== 'drop') throw new Error('no drop at a down node');
    await setTime(page, refused.t);
    await page.waitForSelector(
      `[data-flight][data-from="${refused.from}"][data-to="3"][data-fate="died"]`,
    );
    // A delivered message: its type and contents on hover (the dot's title), all on a tap.
    const deliver = records.find((r) => r.ev === 'deliver' && r.t > 100);
    const send = records.find(
      (r) =>
        r.ev === 'send' &&
        deliver?.ev === 'deliver' &&
        r.from === deliver.from &&
        r.to === deliver.to &&
        JSON.stringify(r.msg) === JSON.stringify(deliver.msg),
    );
    if (deliver?.ev !== 'deliver' || send === undefined) throw new Error('no delivery');
    await setTime(page, (send.t + deliver.t) / 2);
    const dot = page
      .locator(`[data-flight][data-from="${deliver.from}"][data-to="${deliver.to}"]`)
      .filter({ hasText: JSON.stringify(deliver.msg).slice(0, 400) })
      .first();
    const title = await dot.locator('title').textContent();
    expect(title).toContain(`${deliver.msg.type} ${deliver.from}→${deliver.to}`);
    expect(title).toContain(`: ${JSON.stringify(deliver.msg)}`);
    await dot.locator('.hit').click();
    const panel = page.locator(`[data-message-panel="${deliver.msg.type}"]`);
    await panel.waitFor();
    expect(await panel.locator('h2').textContent()).toBe(
      `${deliver.msg.type} ${deliver.from} → ${deliver.to}`,
    );
    const fields = await panel
      .locator('.tree.top > [data-field]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-field')));
    expect(fields).toEqual(Object.keys(deliver.msg));
    expect(errors).toEqual([]);
    await page.close();
  });
});
