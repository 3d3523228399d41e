// A token's identity on the ring: its generation (epoch) and its hop number. Every hand-off
// adds one to the hop; a regeneration starts a higher generation at hop 0. Stamps order the
// copies of a token lexicographically, so a receiver tells a retransmitted or duplicated
// hand-off (a stamp it has already seen) from a new one. Used by both token rings.

export interface TokenStamp {
  readonly gen: number;
  readonly hop: number;
}

/** Negative when `a` is older than `b`, 0 when equal, positive when newer. */
export function compareStamps(a: TokenStamp, b: TokenStamp): number {
  return a.gen !== b.gen ? a.gen - b.gen : a.hop - b.hop;
}

export function stampOf(t: TokenStamp): TokenStamp {
  return { gen: t.gen, hop: t.hop };
}

export function isStamp(x: unknown): x is TokenStamp {
  if (typeof x !== 'object' || x === null) return false;
  const s = x as Record<string, unknown>;
  return Number.isSafeInteger(s.gen) && Number.isSafeInteger(s.hop);
}
