// Integer flags (`--seed`, `--nodes`, `--repeats` …) checked against their range: bad usage,
// never a NaN or a silently clamped value.

import type { AnyAlgorithm } from '../core/algorithm.js';
import { UsageError } from './usage-error.js';

export function parseInteger(
  flag: string,
  raw: string | undefined,
  min: number,
  max: number,
): number | undefined {
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(v) || v < min || v > max) {
    throw new UsageError(`${flag} must be an integer in ${min}..${max}, got '${raw}'`);
  }
  return v;
}

export function parseNodes(spec: AnyAlgorithm, raw: string | undefined): number | undefined {
  return parseInteger(`--nodes for ${spec.name}`, raw, spec.nodes.min, spec.nodes.max);
}
