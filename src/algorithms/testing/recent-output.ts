// The liveness of the deliberately broken test-only algorithms (volatile-lock,
// forgetful-session): the clients keep making progress, seen as an output of one type
// within the last second of the run.
//
// Fault model: none of its own; it reads only the outputs the host recorded.

import type { Liveness } from '../../core/algorithm.js';
import type { Output } from '../../core/process.js';

/** Liveness `name`: some node output a `type` event in the last second, else `problem`. */
export function outputInLastSecond<S, O extends Output>(
  name: string,
  type: O['type'],
  problem: string,
): Liveness<S, O> {
  return {
    name,
    check(view) {
      const last = view.outputs.findLast((o) => o.output.type === type);
      return last !== undefined && last.atMs > view.nowMs - 1_000 ? undefined : problem;
    },
  };
}
