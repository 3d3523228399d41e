// Opening a trace file (`cohort sim --trace FILE`, or the Lab's own export) replaces the
// page's settings with the trace's: its node count and the fault plan its fault records
// spell, and — when the file is named as the Lab exports it (`consensus-raft-seed7.jsonl`)
// — its algorithm and seed. If re-running those settings gives the very same lines, the file
// is that run, shown whole (checks, metrics); otherwise it replays as a trace alone, its
// checks read from its violation records. The trace itself is untrusted input: run.ts
// validates every line.

import { listedAlgorithms } from '../../src/algorithms/registry.js';
import { type LabRun, runFromTrace, runLab } from './run.js';

export interface ImportedTrace {
  readonly run: LabRun;
  /** The algorithm and seed the file's name gives, if it names a registered algorithm. */
  readonly algorithm: string | undefined;
  readonly seed: number | undefined;
}

/** `family-name-seedN.jsonl` (the export's name) → the algorithm and seed, if it is one. */
export function namedIn(fileName: string): { algorithm: string; seed: number } | undefined {
  const m = /^(.+)-seed(\d+)(?: \(\d+\))?\.(?:jsonl|json|txt)$/.exec(fileName);
  if (m === null) return undefined;
  const algorithm = listedAlgorithms().find((a) => a.name.replace('/', '-') === m[1])?.name;
  return algorithm === undefined ? undefined : { algorithm, seed: Number(m[2]) };
}

/** The file's run: re-run and shown whole when it reproduces byte for byte, else the trace. */
export function importTrace(text: string, fileName: string): ImportedTrace {
  const trace = runFromTrace(text);
  const named = namedIn(fileName);
  if (named === undefined) return { run: trace, algorithm: undefined, seed: undefined };
  try {
    const again = runLab({
      algorithm: named.algorithm,
      nodes: trace.nodes,
      seed: named.seed,
      faults: trace.faults,
      options: {},
    });
    const same =
      again.lines.length === trace.lines.length &&
      again.lines.every((l, i) => l === trace.lines[i]);
    return { run: same ? again : trace, ...named };
  } catch {
    // Settings the name suggests but the trace does not fit (another cluster size): the trace.
    return { run: trace, ...named };
  }
}
