// chain/pos — proof of stake by stake × coin age [003, 004] (Peercoin's kernel, simplified;
// see chain.ts). Node i holds `stakes[i]` coins (default 10·i). The chance to mint in a slot
// grows with stake and with the slots since the node last minted on the chain, so blocks
// spread in proportion to stake over time, and minting resets the minter's coin age.
//
// Fault model: see minter.ts.

import { defineAlgorithm, type OptionSpecs, type RunContext } from '../../../core/algorithm.js';
import type { NodeId } from '../../../core/process.js';
import { ed25519Scheme } from '../../byzantine/signed-messages/ed25519-node.js';
import type {
  SignatureScheme,
  SignatureSchemeFactory,
} from '../../byzantine/signed-messages/signature-scheme.js';
import {
  addEntry,
  ancestry,
  type Chain,
  checkBlock,
  newChain,
  type PosParams,
  tipOf,
} from './chain.js';
import { createMinter, type PosMessage, type PosOutput, type PosState } from './minter.js';

export type { PosMessage, PosOutput, PosState } from './minter.js';

const options = {
  stakes: {
    kind: 'ints',
    default: [],
    description: "each node's stake, in node order (default 10·id)",
  },
  slotMs: { kind: 'int', default: 50, min: 1, max: 600_000, description: 'time slot' },
  slots: { kind: 'int', default: 50, min: 1, max: 1_000_000, description: 'slots to mint in' },
} as const satisfies OptionSpecs;

interface PosOptions {
  readonly stakes: readonly number[];
  readonly slotMs: number;
  readonly slots: number;
}

/** Blocks below the shortest tip that every node must agree on. */
const COMMON_PREFIX_DEPTH = 6;

export function posParams(nodes: readonly NodeId[], opts: PosOptions): PosParams {
  const stakes = new Map(nodes.map((id) => [id, Math.max(0, opts.stakes[id - 1] ?? 10 * id)]));
  const total = [...stakes.values()].reduce((a, b) => a + b, 0) || 1;
  // About one block every few slots once coin ages are a few slots old.
  return { stakes, maxAgeSlots: 200, targetPerCoinSlot: Math.floor(2 ** 32 / (total * 8)) };
}

/** The algorithm with a given signature scheme (a browser host passes its own). */
export function posWith(schemeOf: SignatureSchemeFactory) {
  // One scheme per run: every node of a run is created with the same context.
  const schemes = new WeakMap<RunContext<PosOptions>, SignatureScheme>();
  function schemeFor(ctx: RunContext<PosOptions>): SignatureScheme {
    const known = schemes.get(ctx) ?? schemeOf(ctx.seed, ctx.nodes);
    schemes.set(ctx, known);
    return known;
  }
  return defineAlgorithm<PosMessage, PosOutput, PosState, PosOptions>({
    name: 'chain/pos',
    family: 'chain',
    summary: 'Proof of stake: mint when the kernel hash is below stake × coin age; most trust wins',
    seed: '003; 004',
    nodes: { default: 5, min: 1, max: 32 },
    durationMs: 3_000,
    livenessDeadlineMs: 2_000,
    options,
    create: (id, ctx) =>
      createMinter(id, posParams(ctx.nodes, ctx.options), schemeFor(ctx), {
        slotMs: ctx.options.slotMs,
        lastSlot: ctx.options.slots,
      }),
    invariants: (ctx) => {
      const params = posParams(ctx.nodes, ctx.options);
      const reference: Chain = newChain();
      let seen = 0;
      return [
        {
          name: 'valid-blocks-only',
          check(view) {
            for (; seen < view.outputs.length; seen++) {
              const rec = view.outputs[seen];
              if (rec === undefined || rec.output.type !== 'accepted') continue;
              const c = checkBlock(
                reference,
                params,
                schemeFor(ctx),
                rec.output.block,
                Number.MAX_SAFE_INTEGER,
              );
              if (c.kind === 'valid') addEntry(reference, c.entry);
              else if (c.kind !== 'known')
                return `node ${rec.node} accepted a block the rules reject`;
            }
            return undefined;
          },
        },
        {
          name: 'most-trust-tip',
          check(view) {
            for (const node of view.nodes) {
              if (node.state === undefined) continue;
              const tip = tipOf(node.state.chain);
              for (const e of node.state.chain.blocks.values())
                if (e.trust > tip.trust)
                  return `node ${node.id} follows less chain trust than it knows`;
            }
            return undefined;
          },
        },
      ];
    },
    liveness: () => [
      {
        name: 'common-prefix',
        check(view) {
          const up = view.nodes
            .filter((n) => n.state !== undefined)
            .map((n) => (n.state as PosState).chain);
          const low = Math.min(...up.map((c) => tipOf(c).block.height));
          if (low <= COMMON_PREFIX_DEPTH) return `the chain did not grow (shortest tip ${low})`;
          const at = low - COMMON_PREFIX_DEPTH;
          const hashes = new Set(
            up.map((c) => ancestry(c, tipOf(c)).find((e) => e.block.height === at)?.hash),
          );
          return hashes.size === 1 ? undefined : `nodes differ at height ${at}`;
        },
      },
    ],
    metrics: (view, ctx) => {
      const chains = view.nodes
        .filter((n) => n.state !== undefined)
        .map((n) => (n.state as PosState).chain);
      const best = chains.reduce<Chain | undefined>(
        (a, b) => (a === undefined || tipOf(b).trust > tipOf(a).trust ? b : a),
        undefined,
      );
      const line =
        best === undefined ? [] : ancestry(best, tipOf(best)).filter((e) => e.block.height > 0);
      const minted = view.outputs.filter((o) => o.output.type === 'minted').length;
      const share = ctx.nodes
        .map((id) => line.filter((e) => e.block.minter === id).length)
        .join(',');
      return {
        blocks: line.length,
        minted,
        forks: minted - line.length,
        orphanRate: minted === 0 ? 0 : Number(((minted - line.length) / minted).toFixed(4)),
        blocksByNode: share,
        meanCoinAge:
          line.length === 0 ? 0 : Math.round(line.reduce((a, e) => a + e.coinAge, 0) / line.length),
      };
    },
    messageCount: {
      formula: '(n−1)² Block messages per minted block (flooding, as in chain/pow)',
      compare: (view, ctx) => {
        const minted = view.outputs.filter((o) => o.output.type === 'minted').length;
        return {
          expected: (ctx.nodes.length - 1) ** 2 * minted,
          measured: view.stats.byType.Block ?? 0,
        };
      },
    },
    scenarios: [
      {
        name: 'stake-weighted',
        description:
          'Stakes 10, 10, 10, 10, 60: the rich node mints most blocks, the others still some.',
        faults: '',
        options: { stakes: [10, 10, 10, 10, 60] },
        expect: { safety: 'hold', liveness: 'hold' },
      },
      {
        name: 'offline-staker',
        description:
          'The richest staker (node 5) goes offline: the ' +
          'others mint on; their coin age grows meanwhile.',
        faults: 'crash 5 @500',
        expect: { safety: 'hold', liveness: 'hold' },
      },
      {
        name: 'partition-fork',
        description:
          'Both sides mint during a partition; on heal the side with more consumed coin age wins.',
        faults: 'partition 1,2|3,4,5 @300..1500',
        expect: { safety: 'hold', liveness: 'hold' },
      },
    ],
  });
}

export const pos = posWith(ed25519Scheme);
