// The running cluster's state file, `<data-dir>/cluster.json`: written by `cohort cluster up`
// and read by the other `cohort cluster` subcommands to find its control port.

import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../usage-error.js';

export interface ClusterStateFile {
  readonly pid: number;
  readonly controlPort: number;
  readonly algorithm: string;
  readonly clusterId: string;
  readonly nodes: number;
}

export function stateFilePath(dataDir: string): string {
  return path.join(dataDir, 'cluster.json');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The running cluster in `dataDir`, or undefined when none is (a stale file is ignored). */
export function findRunning(dataDir: string): ClusterStateFile | undefined {
  let state: ClusterStateFile;
  try {
    state = JSON.parse(fs.readFileSync(stateFilePath(dataDir), 'utf8')) as ClusterStateFile;
  } catch {
    return undefined;
  }
  return alive(state.pid) ? state : undefined;
}

export function readRunning(dataDir: string): ClusterStateFile {
  const state = findRunning(dataDir);
  if (state === undefined) {
    throw new UsageError(`no cluster is running in ${dataDir} (start one: cohort cluster up)`);
  }
  return state;
}

export function writeStateFile(dataDir: string, state: ClusterStateFile): void {
  const file = stateFilePath(dataDir);
  fs.writeFileSync(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  fs.renameSync(`${file}.tmp`, file);
}

export function removeStateFile(dataDir: string): void {
  fs.rmSync(stateFilePath(dataDir), { force: true });
}
