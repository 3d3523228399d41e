// Forking a compute model's worker module (MapReduce, stream, actors): the one place that
// knows where that module lives — beside the master's source under tsx (tests, the CLI from
// source), beside its compiled module in dist/src, or, from the bundled CLI's chunk in
// dist/cli/chunks, the bundle's own entry for it (scripts/build-cli.mjs) — and how a worker
// is started: an IPC channel for control, stdout and stderr shared with the master.
//
// Fault model: none of its own. A missing module is reported as `undefined` so the model
// can throw its own typed error; a child that fails to start emits 'error' and 'exit',
// which each master already treats as that worker's death.

import { type ChildProcess, fork } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface WorkerModule {
  readonly file: string;
  readonly execArgv: readonly string[];
}

/**
 * Where `module` (a sibling of the caller, named without extension) is: `base` is the
 * caller's `import.meta.url`, `bundleEntry` the bundle's entry name for the module.
 * Returns the paths tried when none exists.
 */
export function workerModule(
  base: string,
  module: string,
  bundleEntry: string,
): WorkerModule | { readonly missing: readonly string[] } {
  if (base.endsWith('.ts')) {
    // From source the child needs tsx to load TypeScript; resolved from here, so the
    // child finds it whatever its working directory.
    const file = fileURLToPath(new URL(`./${module}.ts`, base));
    return { file, execArgv: ['--import', import.meta.resolve('tsx')] };
  }
  const candidates = [`./${module}.js`, `../${bundleEntry}.js`].map((rel) =>
    fileURLToPath(new URL(rel, base)),
  );
  const file = candidates.find((f) => fs.existsSync(f));
  return file === undefined ? { missing: candidates } : { file, execArgv: [] };
}

/** Forks a worker: IPC for control, the master's stdout and stderr for its logs. */
export function forkWorker(
  module: WorkerModule,
  args: readonly string[] = [],
  serialization: 'json' | 'advanced' = 'json',
): ChildProcess {
  return fork(module.file, [...args], {
    execArgv: [...module.execArgv],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization,
  });
}
