// Resolving an algorithm by name and parsing its own options (`--requests 5`,
// `--send-percent=30`, `--zxids 0,0,0`) from the arguments the common options left over.

import { findAlgorithm, nearestAlgorithms } from '../algorithms/registry.js';
import {
  type AnyAlgorithm,
  type OptionSpec,
  type OptionValue,
  type OptionValues,
  optionFlagName,
} from '../core/algorithm.js';
import { UsageError } from './usage-error.js';

export function resolveAlgorithm(name: string): AnyAlgorithm {
  const spec = findAlgorithm(name);
  if (spec !== undefined) return spec;
  throw new UsageError(
    `unknown algorithm '${name}'; did you mean ${nearestAlgorithms(name).join(', ')}? (cohort sim list)`,
  );
}

function parseValue(spec: AnyAlgorithm, name: string, opt: OptionSpec, raw: string): OptionValue {
  const flag = `--${optionFlagName(name)}`;
  switch (opt.kind) {
    case 'int': {
      const v = Number(raw);
      const lo = opt.min ?? Number.MIN_SAFE_INTEGER;
      const hi = opt.max ?? Number.MAX_SAFE_INTEGER;
      if (!Number.isSafeInteger(v) || v < lo || v > hi) {
        throw new UsageError(
          `${flag} for ${spec.name} must be an integer in ${lo}..${hi}, got '${raw}'`,
        );
      }
      return v;
    }
    case 'bool':
      if (raw !== 'true' && raw !== 'false')
        throw new UsageError(`${flag} must be true or false, got '${raw}'`);
      return raw === 'true';
    case 'choice':
      if (!opt.choices.includes(raw)) {
        throw new UsageError(
          `${flag} for ${spec.name} must be one of ${opt.choices.join(', ')}, got '${raw}'`,
        );
      }
      return raw;
    case 'ints': {
      const parts = raw.split(',').map(Number);
      if (raw === '' || !parts.every(Number.isSafeInteger)) {
        throw new UsageError(`${flag} must be a comma-separated list of integers, got '${raw}'`);
      }
      return parts;
    }
  }
}

/** Parses `--flag value` / `--flag=value` pairs against the algorithm's declared options. */
export function parseAlgorithmOptions(spec: AnyAlgorithm, args: readonly string[]): OptionValues {
  const byFlag = new Map(
    Object.entries(spec.options).map(([name, opt]) => [optionFlagName(name), { name, opt }]),
  );
  const values: Record<string, OptionValue> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const m = /^--([a-z0-9-]+)(?:=(.*))?$/.exec(arg);
    const known = m === null ? undefined : byFlag.get(m[1] as string);
    if (m === null || known === undefined) {
      const list = [...byFlag.keys()].map((f) => `--${f}`).join(', ') || 'none';
      throw new UsageError(`unknown option '${arg}' for ${spec.name} (its options: ${list})`);
    }
    let raw = m[2];
    if (raw === undefined && known.opt.kind === 'bool' && !/^(true|false)$/.test(args[i + 1] ?? ''))
      raw = 'true';
    if (raw === undefined) {
      raw = args[++i];
      if (raw === undefined) throw new UsageError(`option '${arg}' needs a value`);
    }
    values[known.name] = parseValue(spec, known.name, known.opt, raw);
  }
  return values;
}

export function describeOptions(spec: AnyAlgorithm): string[] {
  return Object.entries(spec.options).map(([name, opt]) => {
    const def = Array.isArray(opt.default) ? opt.default.join(',') : String(opt.default);
    const choices = opt.kind === 'choice' ? ` (${opt.choices.join('|')})` : '';
    return `--${optionFlagName(name)} ${opt.description}${choices} [default ${def}]`;
  });
}
