// Difficulty retargeting as Bitcoin does it (pow.cpp GetNextWorkRequired /
// CalculateNextWorkRequired), with the interval and spacing as parameters so the simulation
// can run it scaled down (mainnet: 2016 blocks of 600 s; here e.g. 16 blocks of 100 ms).
//
// Every `interval` blocks the target is multiplied by actual/expected time of the last
// window, the ratio clamped to [1/4, 4], capped at the proof-of-work limit, and re-encoded
// in compact form (losing precision exactly as Bitcoin does). Like Bitcoin, the window spans
// interval−1 block intervals (the first block's time to the last's): the famous off-by-one.

import { decodeCompact, encodeCompact } from './compact.js';

export interface RetargetParams {
  readonly interval: number;
  /** Expected time between blocks, in the header's time unit. */
  readonly spacing: number;
  readonly powLimit: bigint;
}

export const MAINNET_RETARGET: RetargetParams = {
  interval: 2016,
  spacing: 600,
  powLimit: decodeCompact(0x1d00ffff).target,
};

export interface ParentInfo {
  readonly height: number;
  readonly bits: number;
  readonly time: number;
}

/**
 * The bits a child of `parent` must carry. `timeAt(h)` is the time of the parent's ancestor
 * at height h (only called on a retarget boundary).
 */
export function nextBits(
  p: RetargetParams,
  parent: ParentInfo,
  timeAt: (height: number) => number,
): number {
  if ((parent.height + 1) % p.interval !== 0) return parent.bits;
  const firstTime = timeAt(parent.height - (p.interval - 1));
  return retargetBits(p, parent.bits, parent.time - firstTime);
}

export function retargetBits(p: RetargetParams, bits: number, actualTimespan: number): number {
  const expected = p.interval * p.spacing;
  const span = Math.min(Math.max(actualTimespan, Math.floor(expected / 4)), expected * 4);
  let target = (decodeCompact(bits).target * BigInt(span)) / BigInt(expected);
  if (target > p.powLimit) target = p.powLimit;
  return encodeCompact(target);
}
