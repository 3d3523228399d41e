// Signature keys are derived from the run's seed, once per run rather than once per node:
// every node of a run is created with the same context object, which keys the cache (a
// WeakMap, so a finished run's keys go with it).

import type { RunContext } from '../../../core/algorithm.js';
import type {
  SignatureScheme,
  SignatureSchemeFactory,
} from '../../byzantine/signed-messages/signature-scheme.js';

export function schemePerRun<Opts>(
  schemeOf: SignatureSchemeFactory,
): (ctx: RunContext<Opts>) => SignatureScheme {
  const schemes = new WeakMap<RunContext<Opts>, SignatureScheme>();
  return (ctx) => {
    const known = schemes.get(ctx) ?? schemeOf(ctx.seed, ctx.nodes);
    schemes.set(ctx, known);
    return known;
  };
}
