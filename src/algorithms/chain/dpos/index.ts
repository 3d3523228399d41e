// chain/dpos — delegated proof of stake [003, 004]: stakeholders elect a fixed number of
// delegates by stake-weighted approval voting; the delegates produce signed blocks in
// turn, one per time slot, in an order shuffled each round from the chain; the longest
// chain wins and a block confirmed by ⌊2D/3⌋+1 delegates is irreversible. A delegate that
// signs two blocks for one slot is caught by the evidence its twin blocks form and drops
// out of the schedule from the next round (honest stakeholders withdraw their votes).
//
// Stakes: node i holds (n − i + 1) × 10; each stakeholder approves itself and the
// `delegates` − 1 richest others, so the richest nodes are elected and node D+1 is next.
// Fault model: see producer.ts.

import { defineAlgorithm, type OptionSpecs, type RunContext } from '../../../core/algorithm.js';
import type { NodeId } from '../../../core/process.js';
import { ed25519Scheme } from '../../byzantine/signed-messages/ed25519-node.js';
import type {
  SignatureScheme,
  SignatureSchemeFactory,
} from '../../byzantine/signed-messages/signature-scheme.js';
import { addEntry, ancestry, type Chain, checkBlock, newChain, tipOf } from './chain.js';
import {
  createProducer,
  type DposMessage,
  type DposOptions,
  type DposOutput,
  type DposState,
} from './producer.js';
import { activeDelegates, type Electorate } from './schedule.js';

export type { DposMessage, DposOutput, DposState } from './producer.js';

const options = {
  delegates: {
    kind: 'int',
    default: 5,
    min: 1,
    max: 101,
    description: 'elected block producers (D)',
  },
  slotMs: { kind: 'int', default: 50, min: 1, max: 600_000, description: 'time slot per block' },
  malicious: { kind: 'ints', default: [], description: 'delegates that sign two blocks per slot' },
  rounds: {
    kind: 'int',
    default: 12,
    min: 1,
    max: 100_000,
    description: 'rounds of D slots to produce (then the chain rests, so counts are exact)',
  },
} as const satisfies OptionSpecs;

export function electorateOf(nodes: readonly NodeId[], opts: DposOptions): Electorate {
  const n = nodes.length;
  const stakes = new Map(nodes.map((id) => [id, (n - id + 1) * 10]));
  const richest = [...nodes].sort((a, b) => (stakes.get(b) ?? 0) - (stakes.get(a) ?? 0) || a - b);
  const approvals = new Map(
    nodes.map((id) => [
      id,
      [id, ...richest.filter((c) => c !== id).slice(0, Math.max(0, opts.delegates - 1))],
    ]),
  );
  return { stakes, approvals, delegates: Math.min(opts.delegates, n) };
}

type View = Parameters<
  NonNullable<
    Parameters<
      typeof defineAlgorithm<DposMessage, DposOutput, DposState, DposOptions>
    >[0]['metrics']
  >
>[0];

function honest(opts: DposOptions, id: NodeId): boolean {
  return !opts.malicious.includes(id);
}

/** The algorithm with a given signature scheme (a browser host passes its own). */
export function dposWith(schemeOf: SignatureSchemeFactory) {
  // One scheme per run: every node of a run is created with the same context.
  const schemes = new WeakMap<RunContext<DposOptions>, SignatureScheme>();
  function schemeFor(ctx: RunContext<DposOptions>): SignatureScheme {
    const known = schemes.get(ctx) ?? schemeOf(ctx.seed, ctx.nodes);
    schemes.set(ctx, known);
    return known;
  }
  return defineAlgorithm<DposMessage, DposOutput, DposState, DposOptions>({
    name: 'chain/dpos',
    family: 'chain',
    summary: 'Delegated PoS: stake-weighted votes elect D delegates who sign blocks in turn',
    seed: '003; 004',
    nodes: { default: 7, min: 1, max: 32 },
    durationMs: 3_000,
    livenessDeadlineMs: 2_000,
    options,
    create: (id, ctx) =>
      createProducer(id, ctx.options, electorateOf(ctx.nodes, ctx.options), schemeFor(ctx)),
    invariants: (ctx) => {
      const electorate = electorateOf(ctx.nodes, ctx.options);
      const reference: Chain = newChain();
      const libAt = new Map<number, { node: NodeId; hash: string }>();
      const problems = new Map<string, string>();
      let seen = 0;
      const update = (view: View) => {
        for (; seen < view.outputs.length; seen++) {
          const rec = view.outputs[seen];
          if (rec === undefined) break;
          const o = rec.output;
          if (o.type === 'accepted') {
            const c = checkBlock(
              reference,
              electorate,
              schemeFor(ctx),
              o.block,
              Number.MAX_SAFE_INTEGER,
            );
            if (c.kind === 'valid') addEntry(reference, c.entry);
            else if (c.kind !== 'known' && !problems.has('valid-blocks-only'))
              problems.set(
                'valid-blocks-only',
                `node ${rec.node} accepted a block the rules reject`,
              );
          } else if (o.type === 'lib' && honest(ctx.options, rec.node)) {
            // Safety of DPoS finality: honest nodes never hold different irreversible blocks
            // at one height (each node's own never-revert rule is in chain.ts).
            const known = libAt.get(o.height);
            if (known === undefined) libAt.set(o.height, { node: rec.node, hash: o.hash });
            else if (known.hash !== o.hash && !problems.has('irreversible-agreement'))
              problems.set(
                'irreversible-agreement',
                `nodes ${known.node} and ${rec.node} hold different ` +
                  `irreversible blocks at height ${o.height}`,
              );
          }
        }
      };
      return ['valid-blocks-only', 'irreversible-agreement'].map((name) => ({
        name,
        check(view: View) {
          update(view);
          return problems.get(name);
        },
      }));
    },
    liveness: (ctx) => [
      {
        name: 'common-irreversible-prefix',
        check(view) {
          const up = view.nodes.filter((n) => n.state !== undefined && honest(ctx.options, n.id));
          const lows = up.map((n) => (n.state as DposState).lib.height);
          const low = Math.min(...lows);
          if (low < 3) return `the irreversible block did not advance (height ${low})`;
          const hashes = new Set(
            up.map((n) => {
              const c = (n.state as DposState).chain;
              return ancestry(c, tipOf(c)).find((x) => x.block.height === low)?.hash;
            }),
          );
          return hashes.size === 1 ? undefined : `honest nodes differ at height ${low}`;
        },
      },
    ],
    metrics: (view, ctx) => {
      const states = view.nodes
        .filter((n) => n.state !== undefined && honest(ctx.options, n.id))
        .map((n) => n.state as DposState);
      const best = states.reduce<DposState | undefined>(
        (a, b) =>
          a === undefined || tipOf(b.chain).block.height > tipOf(a.chain).block.height ? b : a,
        undefined,
      );
      const tip = best === undefined ? undefined : tipOf(best.chain);
      const produced = view.outputs.filter((o) => o.output.type === 'produced').length;
      // Slots 1 .. rounds·D − 1 carry blocks (slot 0 is genesis'); after them the chain rests.
      const electorate = electorateOf(ctx.nodes, ctx.options);
      const slots = Math.min(
        Math.floor(view.nowMs / ctx.options.slotMs),
        ctx.options.rounds * electorate.delegates - 1,
      );
      const line = best === undefined || tip === undefined ? [] : ancestry(best.chain, tip);
      const banned = new Set(line.flatMap((e) => e.block.evidence.map((x) => x.producer)));
      return {
        blocks: tip?.block.height ?? 0,
        produced,
        missedSlots: Math.max(0, slots - produced),
        forks: view.outputs.filter((o) => o.output.type === 'reorg').length,
        irreversible: best?.lib.height ?? 0,
        delegates: activeDelegates(electorateOf(ctx.nodes, ctx.options), banned).join(','),
        votedOut: [...banned].sort((a, b) => a - b).join(','),
      };
    },
    faultModel: (opts) => ({
      tolerates: [
        'crash',
        'pause',
        'partition',
        'block',
        'drift',
        'drop',
        'dup',
        'reorder',
        'delay',
      ],
      maxDelayMs: Math.floor(opts.slotMs / 2),
      maxPauseMs: opts.slotMs,
      assumption: 'a block reaches the next producer within its slot (slot-synchronous delivery)',
    }),
    messageCount: {
      formula: '(n−1)² Block messages per produced block (flooding, as in chain/pow)',
      compare: (view, ctx) => {
        const produced = view.outputs.filter((o) => o.output.type === 'produced').length;
        return {
          expected: (ctx.nodes.length - 1) ** 2 * produced,
          measured: view.stats.byType.Block ?? 0,
        };
      },
    },
    scenarios: [
      {
        name: 'missed-slot',
        description:
          'Delegate 2 crashes for good: its slots stay empty, ' +
          'the others go on and blocks still become irreversible.',
        faults: 'crash 2 @200',
        expect: { safety: 'hold', liveness: 'hold' },
      },
      {
        name: 'malicious-delegate',
        description:
          'Delegate 3 signs two blocks per slot; the twins become ' +
          'evidence on the chain and delegate 6 replaces it.',
        faults: '',
        options: { malicious: [3] },
        expect: { safety: 'hold', liveness: 'hold' },
      },
      {
        name: 'partitioned-delegates',
        description:
          'Two delegates are cut off for a while; the longer side wins when the partition heals.',
        faults: 'partition 1,2|3,4,5,6,7 @300..1200',
        expect: { safety: 'hold', liveness: 'hold' },
      },
    ],
  });
}

export const dpos = dposWith(ed25519Scheme);
