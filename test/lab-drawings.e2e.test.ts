/// <reference lib="dom" />
// The stage's per-algorithm drawings (issue 22), in a real browser: Raft's timers as rings
// that run down as the slider moves, its term in each server, its log grid (committed cells
// as many as the commit index the inspector shows then, the rest uncommitted) and its
// clients drawn as clients; Lamport clocks on the nodes; the token ring's token where the
// simulator has it; Maekawa's quorum outlined round an inspected node; and at a phone's
// width the rings and a log grid that fits. Every expectation comes from the simulator
// replayed to the same time (prepareRun), so a drawing that lags, leads or invents fails.
// The inspector's pictures too: Maekawa's quorum grid (three wide for nine nodes, the votes
// held filled) and proof of stake's block tree (the forks, the chain to the tip marked).

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PosState } from '../src/algorithms/chain/pos/state.js';
import type { ClockState } from '../src/algorithms/clock/workload.js';
import type { RaftNodeState } from '../src/algorithms/consensus/raft/state.js';
import type { MaekawaState } from '../src/algorithms/mutex/maekawa/state.js';
import type { TokenRingState } from '../src/algorithms/mutex/token-ring/state.js';
import { findAlgorithm } from '../src/algorithms/registry.js';
import { prepareRun } from '../src/sim/run.js';
import { type LabBrowser, openLab, setTime, startLabBrowser } from './support/lab-browser.js';

let lab: LabBrowser;

beforeAll(async () => {
  lab = await startLabBrowser();
});

afterAll(async () => {
  await lab?.close();
});

function spec(name: string) {
  const found = findAlgorithm(name);
  if (found === undefined) throw new Error(`no ${name}`);
  return found;
}

/**
 * What `pick` reads of every node's state (undefined while down) at each of `times`, replayed
 * by the simulator. It reads at once: the states are live and the next step changes them.
 */
function statesAt<S, T>(
  name: string,
  seed: number,
  times: readonly number[],
  pick: (s: S) => T,
): (T | undefined)[][] {
  const { sim } = prepareRun(spec(name), { seed });
  sim.start();
  return times.map((t) => {
    sim.runUntil(t);
    return sim.nodes.map((n) => (n.up ? pick(n.state as S) : undefined));
  });
}

/** What the Raft test needs of a node: a server's term, commit index and last index. */
const raftView = (s: RaftNodeState) =>
  s.kind === 'client'
    ? { kind: 'client' as const }
    : {
        kind: 'server' as const,
        term: s.term,
        commitIndex: s.commitIndex,
        entries: s.log.entries.length,
        last: s.log.entries.at(-1)?.index ?? s.log.snapshot.index,
      };
type RaftView = ReturnType<typeof raftView>;
type ServerView = Extract<RaftView, { kind: 'server' }>;

const ringsOn = (page: Page) =>
  page.$$eval('[data-ring-node]', (els) =>
    Object.fromEntries(
      els.map((e) => [
        Number(e.getAttribute('data-ring-node')),
        {
          timer: e.getAttribute('data-ring-timer'),
          left: Number(e.getAttribute('data-ring-left')),
        },
      ]),
    ),
  );
const insideOn = (page: Page) =>
  page.$$eval('[data-drawn]', (els) =>
    Object.fromEntries(
      els.map((e) => [
        Number(e.getAttribute('data-drawn')),
        e.querySelector('[data-drawn-inside]')?.getAttribute('data-drawn-inside') ?? null,
      ]),
    ),
  );
/** Per log row (server id): how many cells are committed and how many are not. */
const logRowsOn = (page: Page) =>
  page.$$eval('[data-log-row]', (rows) =>
    Object.fromEntries(
      rows.map((r) => [
        Number(r.getAttribute('data-log-row')),
        {
          committed: r.querySelectorAll('[data-committed="true"]').length,
          uncommitted: r.querySelectorAll('[data-committed="false"]').length,
        },
      ]),
    ),
  );
const tokenHoldersOn = (page: Page) =>
  page.$$eval('[data-mark="token"]', (els) =>
    els.map((e) => Number(e.getAttribute('data-mark-node'))).sort((a, b) => a - b),
  );

const isServer = (s: RaftView | undefined): s is ServerView => s?.kind === 'server';

describe('per-algorithm drawings at 1280×800', () => {
  it('Raft: rings run down, terms, the log grid against commitIndex, clients', async () => {
    const name = 'consensus/raft';
    // A moment with an uncommitted entry on some server, while the log still fits the grid.
    const times = Array.from({ length: 400 }, (_, i) => 200 + i * 5);
    const states = statesAt(name, 1, times, raftView);
    const at = states.findIndex((nodes) =>
      nodes.some((s) => isServer(s) && s.entries > 0 && s.entries <= 20 && s.last > s.commitIndex),
    );
    expect(at).toBeGreaterThanOrEqual(0);
    const t = times[at] as number;
    const nodes = states[at] as (RaftView | undefined)[];

    const { page, errors } = await openLab(lab, 1280, 800, 'algorithm=consensus/raft&seed=1');
    await setTime(page, t);
    await page.waitForSelector('[data-log-row]');
    const servers = nodes.flatMap((s, i) => (isServer(s) ? [{ id: i + 1, s }] : []));
    const clients = nodes.filter((s) => s?.kind === 'client').length;
    expect(clients).toBeGreaterThan(0);
    expect(await page.$$('[data-node] rect.client')).toHaveLength(clients);
    expect(await insideOn(page)).toMatchObject(
      Object.fromEntries(servers.map(({ id, s }) => [id, `T${s.term}`])),
    );
    const rows = await logRowsOn(page);
    for (const { id, s } of servers) {
      expect(rows[id]).toEqual({ committed: s.commitIndex, uncommitted: s.last - s.commitIndex });
    }
    // The inspector, open at the same time, says the same commit index.
    const lagging = servers.find(({ s }) => s.last > s.commitIndex);
    if (lagging === undefined) throw new Error('no server with an uncommitted entry');
    await page.click(`[data-node="${lagging.id}"]`);
    const shown = await page.textContent('[data-inspector] [data-inspect="commitIndex"] td');
    expect(Number(shown)).toBe(lagging.s.commitIndex);
    expect(rows[lagging.id]?.committed).toBe(Number(shown));

    // Every server's ring: a Raft timer, less of it left 3 ms later unless it was reset.
    const rings = await ringsOn(page);
    for (const { id } of servers) expect(['election', 'heartbeat']).toContain(rings[id]?.timer);
    await setTime(page, t + 3);
    await expect
      .poll(async () => (await ringsOn(page))[lagging.id]?.left)
      .not.toBe(rings[lagging.id]?.left);
    const after = await ringsOn(page);
    const ranDown = servers.filter(
      ({ id }) => (after[id]?.left ?? 0) < (rings[id]?.left ?? 0) - 2.9,
    );
    expect(ranDown.length).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('Lamport clocks: each node shows its clock, and it moves with the slider', async () => {
    const times = [150, 400];
    const states = statesAt('clock/lamport', 1, times, (s: ClockState<number>) => s.clock);
    const { page, errors } = await openLab(lab, 1280, 800, 'algorithm=clock/lamport&seed=1');
    const seen = [];
    for (const [i, t] of times.entries()) {
      await setTime(page, t);
      const expected = Object.fromEntries(
        (states[i] ?? []).map((c, j) => [j + 1, c === undefined ? null : `L${c}`]),
      );
      await expect.poll(() => insideOn(page)).toEqual(expected);
      seen.push(expected);
    }
    expect(seen[1]).not.toEqual(seen[0]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('token ring: the token is marked where the simulator has it', async () => {
    const times = Array.from({ length: 100 }, (_, i) => 20 + i * 10);
    const holds = (s: TokenRingState) => s.token !== null && s.handoff === null;
    const holders = statesAt('mutex/token-ring', 1, times, holds).map((nodes) =>
      nodes.flatMap((held, i) => (held === true ? [i + 1] : [])),
    );
    // Two moments with the token resting at two different nodes.
    const first = holders.findIndex((h) => h.length === 1);
    const second = holders.findIndex(
      (h, i) => i > first && h.length === 1 && h[0] !== holders[first]?.[0],
    );
    expect(second).toBeGreaterThan(first);
    const { page, errors } = await openLab(lab, 1280, 800, 'algorithm=mutex/token-ring&seed=1');
    for (const i of [first, second]) {
      await setTime(page, times[i] as number);
      await expect.poll(() => tokenHoldersOn(page)).toEqual(holders[i]);
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it('Maekawa: an inspected node’s quorum is outlined', async () => {
    const [nodes] = statesAt('mutex/maekawa', 1, [200], (s: MaekawaState) => [...s.quorum]);
    const quorum = nodes?.[3] ?? [];
    expect(quorum.length).toBeGreaterThan(1);
    const { page, errors } = await openLab(lab, 1280, 800, 'algorithm=mutex/maekawa&seed=1');
    await setTime(page, 200);
    await page.click('[data-node="4"]');
    await expect
      .poll(() =>
        page.$$eval('[data-quorum-member]', (els) =>
          els.map((e) => Number(e.getAttribute('data-quorum-member'))),
        ),
      )
      .toEqual([...quorum]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('Maekawa: the inspector draws the √n×√n quorum grid with the votes held', async () => {
    const [nodes] = statesAt('mutex/maekawa', 1, [360], (s: MaekawaState) => ({
      quorum: [...s.quorum],
      votes: Object.keys(s.votes).map(Number),
    }));
    const want = nodes?.[3];
    expect(want?.votes.length).toBeGreaterThan(0);
    const { page, errors } = await openLab(lab, 1280, 800, 'algorithm=mutex/maekawa&seed=1');
    await setTime(page, 360);
    await page.click('[data-node="4"]');
    await page.waitForSelector('[data-quorum-grid="4"]');
    const cells = await page.$$eval('[data-grid-cell]', (els) =>
      els.map((e) => {
        const r = e.getBoundingClientRect();
        return {
          id: Number(e.getAttribute('data-grid-cell')),
          inQuorum: e.getAttribute('data-in-quorum') === 'true',
          voted: e.getAttribute('data-voted') === 'true',
          x: Math.round(r.x),
          y: Math.round(r.y),
        };
      }),
    );
    expect(cells.map((c) => c.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(cells.filter((c) => c.inQuorum).map((c) => c.id)).toEqual(want?.quorum);
    expect(cells.filter((c) => c.voted).map((c) => c.id)).toEqual(want?.votes);
    // Three wide, row by row: 1 2 3 share a row, 4 is under 1, 8 under 5.
    const at = (id: number) => cells[id - 1] as (typeof cells)[number];
    expect(new Set([1, 2, 3].map((id) => at(id).y)).size).toBe(1);
    expect(at(4).x).toBe(at(1).x);
    expect(at(4).y).toBeGreaterThan(at(1).y);
    expect(at(8).x).toBe(at(5).x);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('proof of stake: the block tree shows the forks and marks the chain to the tip', async () => {
    interface PosView {
      tip: string;
      blocks: { hash: string; prev: string; height: number }[];
    }
    const [nodes] = statesAt('chain/pos', 1, [1500], (s: PosState) => ({
      tip: s.chain.tip,
      blocks: [...s.chain.blocks.values()].map((e) => ({
        hash: e.hash,
        prev: e.block.prev,
        height: e.block.height,
      })),
    }));
    const want = nodes?.[0] as PosView;
    const byHash = new Map(want.blocks.map((b) => [b.hash, b]));
    const best = new Set<string>();
    for (let b = byHash.get(want.tip); b !== undefined; b = byHash.get(b.prev)) best.add(b.hash);
    const top = Math.max(...want.blocks.map((b) => b.height));
    const drawnWant = want.blocks.filter((b) => b.height > top - 12);
    const forksWant = drawnWant.filter((b) => !best.has(b.hash)).map((b) => b.hash.slice(0, 12));
    expect(forksWant.length).toBeGreaterThan(0);
    const { page, errors } = await openLab(lab, 1280, 800, 'algorithm=chain/pos&seed=1');
    await setTime(page, 1500);
    await page.click('[data-node="1"]');
    await page.waitForSelector('[data-block-tree="1"]');
    const drawn = await page.$$eval('[data-block]', (els) =>
      els.map((e) => ({
        hash: e.getAttribute('data-block') ?? '',
        height: Number(e.getAttribute('data-block-height')),
        best: e.getAttribute('data-block-best') === 'true',
        tip: e.getAttribute('data-block-tip') === 'true',
      })),
    );
    expect(drawn.filter((b) => b.tip).map((b) => [b.hash, b.height])).toEqual([
      [want.tip.slice(0, 12), byHash.get(want.tip)?.height],
    ]);
    expect(
      drawn
        .filter((b) => !b.best)
        .map((b) => b.hash)
        .sort(),
    ).toEqual(forksWant.sort());
    const bestWant = drawnWant.filter((b) => best.has(b.hash)).map((b) => b.hash.slice(0, 12));
    expect(
      drawn
        .filter((b) => b.best)
        .map((b) => b.hash)
        .sort(),
    ).toEqual(bestWant.sort());
    // The stage shows the tip's height inside each node.
    expect(await page.getAttribute('[data-drawn="1"] .drawn-inside', 'data-drawn-inside')).toBe(
      `h${byHash.get(want.tip)?.height}`,
    );
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('per-algorithm drawings at 390×844', () => {
  it('Raft: rings and a log grid that fits the phone', async () => {
    const { page, errors } = await openLab(lab, 390, 844, 'algorithm=consensus/raft&seed=1');
    await setTime(page, 900);
    await page.waitForSelector('[data-log-row]');
    expect(Object.keys(await ringsOn(page)).length).toBeGreaterThanOrEqual(5);
    expect(await page.$$('[data-log-row]')).toHaveLength(5);
    const grid = await page.locator('.log-rows').boundingBox();
    if (grid === null) throw new Error('no log grid');
    expect(grid.x).toBeGreaterThanOrEqual(0);
    expect(grid.x + grid.width).toBeLessThanOrEqual(390);
    const cell = await page.locator('.log-rows [data-log-index]').first().boundingBox();
    expect(cell?.width ?? 0).toBeGreaterThanOrEqual(12);
    expect(errors).toEqual([]);
    await page.close();
  });
});
