// Parsing an algorithm's own options from text, one parser for every front end: the CLI
// (`--requests 5`, `--send-percent=30`, `--zxids 0,0,0`), replay commands, and the Lab's
// option fields (raw strings keyed by option name). Values are checked against the
// algorithm's declared `OptionSpec`s; defaults are the simulator's business (sim/run.ts).
//
// Fault model: the text is a user's — any string. A bad value or an unknown option is an
// `OptionError` naming the option as the user wrote it; nothing here throws anything else.

import {
  type AnyAlgorithm,
  type OptionSpec,
  type OptionValue,
  type OptionValues,
  optionFlagName,
} from './algorithm.js';

/** A value or option name the algorithm does not accept; the message is one line. */
export class OptionError extends Error {
  override readonly name = 'OptionError';
}

/**
 * Parses one raw value of option `name`; `label` is how the user wrote the option (a CLI
 * flag `--send-percent`, or the Lab's field `send-percent`) and appears in the error.
 */
export function parseOptionValue(
  spec: AnyAlgorithm,
  opt: OptionSpec,
  label: string,
  raw: string,
): OptionValue {
  switch (opt.kind) {
    case 'int': {
      const v = Number(raw);
      const lo = opt.min ?? Number.MIN_SAFE_INTEGER;
      const hi = opt.max ?? Number.MAX_SAFE_INTEGER;
      if (raw.trim() === '' || !Number.isSafeInteger(v) || v < lo || v > hi) {
        throw new OptionError(
          `${label} for ${spec.name} must be an integer in ${lo}..${hi}, got '${raw}'`,
        );
      }
      return v;
    }
    case 'bool':
      if (raw !== 'true' && raw !== 'false')
        throw new OptionError(`${label} must be true or false, got '${raw}'`);
      return raw === 'true';
    case 'choice':
      if (!opt.choices.includes(raw)) {
        throw new OptionError(
          `${label} for ${spec.name} must be one of ${opt.choices.join(', ')}, got '${raw}'`,
        );
      }
      return raw;
    case 'ints': {
      const parts = raw.split(',').map(Number);
      if (raw === '' || !parts.every(Number.isSafeInteger)) {
        throw new OptionError(`${label} must be a comma-separated list of integers, got '${raw}'`);
      }
      return parts;
    }
  }
}

/** The algorithm's options by flag name (`send-percent`); a Map, so no name is inherited. */
function optionsByFlag(spec: AnyAlgorithm): Map<string, { name: string; opt: OptionSpec }> {
  return new Map(
    Object.entries(spec.options).map(([name, opt]) => [optionFlagName(name), { name, opt }]),
  );
}

function unknownOption(spec: AnyAlgorithm, given: string, prefix: string): OptionError {
  const list = [...optionsByFlag(spec).keys()].map((f) => `${prefix}${f}`).join(', ') || 'none';
  return new OptionError(`unknown option '${given}' for ${spec.name} (its options: ${list})`);
}

/** Parses `--flag value` / `--flag=value` pairs (a bool flag alone means true). */
export function parseOptionArgs(spec: AnyAlgorithm, args: readonly string[]): OptionValues {
  const byFlag = optionsByFlag(spec);
  const values: Record<string, OptionValue> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const m = /^--([a-z0-9-]+)(?:=(.*))?$/.exec(arg);
    const known = m === null ? undefined : byFlag.get(m[1] as string);
    if (m === null || known === undefined) throw unknownOption(spec, arg, '--');
    let raw = m[2];
    if (raw === undefined && known.opt.kind === 'bool' && !/^(true|false)$/.test(args[i + 1] ?? ''))
      raw = 'true';
    if (raw === undefined) {
      raw = args[++i];
      if (raw === undefined) throw new OptionError(`option '${arg}' needs a value`);
    }
    values[known.name] = parseOptionValue(spec, known.opt, `--${m[1]}`, raw);
  }
  return values;
}

/**
 * Parses raw strings keyed by option name (`{ sendPercent: '30' }`, the Lab's fields, shown
 * as `send-percent`); an empty string means "not given" (the default applies).
 */
export function parseOptionFields(
  spec: AnyAlgorithm,
  fields: Readonly<Record<string, string>>,
): OptionValues {
  const values: Record<string, OptionValue> = {};
  for (const [name, raw] of Object.entries(fields)) {
    if (raw === '') continue;
    // Own properties only: a field named 'toString' is unknown, not Object.prototype's.
    const opt = Object.hasOwn(spec.options, name) ? spec.options[name] : undefined;
    if (opt === undefined) throw unknownOption(spec, optionFlagName(name), '');
    values[name] = parseOptionValue(spec, opt, optionFlagName(name), raw);
  }
  return values;
}
