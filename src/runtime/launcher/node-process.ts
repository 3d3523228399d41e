// One `cohort node` child process as the launcher sees it: spawned with fixed ports (so a
// restart comes back at the same address), its stderr (pino lines) appended to a log file,
// its stdout watched for the one "ready" line.
//
// Fault model: the child may die at any time (SIGKILL from `kill`, a crash); `exited`
// resolves with its code or signal, and the launcher decides what to report.

import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import readline from 'node:readline';

export interface NodeReady {
  readonly event: 'ready';
  readonly id: number;
  readonly port: number;
  readonly apiPort: number;
  /** Where the node's client-API token is (node-api-token.ts). */
  readonly apiTokenFile: string;
  readonly pid: number;
}

export interface NodeExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export class NodeProcess {
  readonly child: ChildProcess;
  readonly ready: Promise<NodeReady>;
  readonly exited: Promise<NodeExit>;
  alive = true;

  constructor(argv: readonly string[], logFile: string, env: NodeJS.ProcessEnv = process.env) {
    const log = fs.openSync(logFile, 'a');
    const [command, ...args] = argv as [string, ...string[]];
    this.child = spawn(command, args, { stdio: ['ignore', 'pipe', log], env });
    fs.closeSync(log);
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.alive = false;
        resolve({ code, signal });
      });
    });
    this.ready = new Promise((resolve, reject) => {
      const lines = readline.createInterface({ input: this.child.stdout as NodeJS.ReadableStream });
      lines.on('line', (line) => {
        try {
          const parsed = JSON.parse(line) as Partial<NodeReady>;
          if (parsed.event === 'ready') resolve(parsed as NodeReady);
        } catch {
          // Not ours: nodes print only the ready line, but be lenient.
        }
      });
      void this.exited.then((e) =>
        reject(
          new Error(
            `node exited before it was ready (code ${e.code}, signal ${e.signal}); see ${logFile}`,
          ),
        ),
      );
    });
    this.ready.catch(() => {}); // Callers that care await it; an early exit is reported there.
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  kill(signal: NodeJS.Signals): void {
    if (this.alive) this.child.kill(signal);
  }
}
