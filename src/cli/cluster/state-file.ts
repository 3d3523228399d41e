// The running cluster's state file, `<data-dir>/cluster.json`, and its control token,
// `<data-dir>/control.token` (0600, new at every `up`): written by `cohort cluster up` and
// read by the other `cohort cluster` subcommands to find and authenticate to its control
// port. Whoever can read the data directory controls the cluster; nobody else can.

import fs from 'node:fs';
import path from 'node:path';
import {
  newApiToken,
  readTokenFile,
  TokenFileError,
  writeTokenFile,
} from '../../runtime/api-token.js';
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

export function controlTokenPath(dataDir: string): string {
  return path.join(dataDir, 'control.token');
}

/** A new control token, written (0600) before the control API starts. */
export function writeControlToken(dataDir: string): string {
  const token = newApiToken();
  writeTokenFile(controlTokenPath(dataDir), token);
  return token;
}

export function readControlToken(dataDir: string): string {
  try {
    return readTokenFile(controlTokenPath(dataDir));
  } catch (error) {
    if (error instanceof TokenFileError) throw new UsageError(error.message);
    throw error;
  }
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
  fs.rmSync(controlTokenPath(dataDir), { force: true });
}
