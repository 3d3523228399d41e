// The CLI's side of an algorithm's options: resolving an algorithm by name with a "did you
// mean", reading its options from the arguments the common flags left over (the parser is
// core/option-parser.ts, shared with the Lab), `--option key=value` pairs, and the flag
// lines `cohort sim list` prints.

import { findAlgorithm, nearestAlgorithms } from '../algorithms/registry.js';
import { type AnyAlgorithm, type OptionValues, optionFlagName } from '../core/algorithm.js';
import { OptionError, parseOptionArgs } from '../core/option-parser.js';
import { UsageError } from './usage-error.js';

export function resolveAlgorithm(name: string): AnyAlgorithm {
  const spec = findAlgorithm(name);
  if (spec !== undefined) return spec;
  throw new UsageError(
    `unknown algorithm '${name}'; did you mean ${nearestAlgorithms(name).join(', ')}? (cohort sim list)`,
  );
}

/** `--requests 5 --send-percent=30` → option values; a bad one is bad usage. */
export function parseAlgorithmOptions(spec: AnyAlgorithm, args: readonly string[]): OptionValues {
  try {
    return parseOptionArgs(spec, args);
  } catch (error) {
    if (error instanceof OptionError) throw new UsageError(error.message);
    throw error;
  }
}

/** What a real process runs with: the algorithm's runtime defaults beneath the given values. */
export function runtimeOptions(spec: AnyAlgorithm, given: OptionValues): OptionValues {
  // Partial only in its type: a declared default is a value, never undefined.
  return { ...(spec.runtimeDefaults as OptionValues | undefined), ...given };
}

/** `--option requests=5 --option sendPercent=30` → the algorithm's own flags. */
export function optionArgs(pairs: readonly string[]): string[] {
  return pairs.flatMap((pair) => {
    const m = /^([A-Za-z][\w-]*)=(.*)$/.exec(pair);
    if (m === null) throw new UsageError(`--option '${pair}' is not KEY=VALUE`);
    return [`--${optionFlagName(m[1] as string)}`, m[2] as string];
  });
}

/** One line per option: its flag, description, choices and default. */
export function describeOptions(spec: AnyAlgorithm): string[] {
  return Object.entries(spec.options).map(([name, opt]) => {
    const def = Array.isArray(opt.default) ? opt.default.join(',') : String(opt.default);
    const choices = opt.kind === 'choice' ? ` (${opt.choices.join('|')})` : '';
    return `--${optionFlagName(name)} ${opt.description}${choices} [default ${def}]`;
  });
}
