// Long computations over a snapshot as generators that yield every so often, so a member
// building a snapshot of a million keys for Maintenance.Snapshot keeps answering Raft's
// heartbeats (a 4 s stall would cost the cluster its leader): the server runs them with
// `runStepsYielding`, which gives the event loop a turn at each yield; tests and the CLI run
// them straight through with `runSteps`. The data they work on is a copy taken in one
// synchronous step (MvccMachine.snapshot), so yielding never mixes two revisions.
//
// Fault model: none (control flow only).

export type Steps<T> = Generator<void, T, void>;

/** Work items between two yields. */
export const STEP_ITEMS = 16_384;

export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done === true) return r.value;
  }
}

export async function runStepsYielding<T>(steps: Steps<T>): Promise<T> {
  for (;;) {
    const r = steps.next();
    if (r.done === true) return r.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
