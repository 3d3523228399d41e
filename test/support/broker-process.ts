// `cohort broker` as a real process for the tests (run from source, test/support/cohort-argv.ts),
// and the helper processes the tests kill: consumers and producers (broker-agent.ts). Each
// prints JSON lines on stdout, collected here; stderr goes to a log file in the test's
// temporary directory. Only processes started here are ever signalled, by their pid.
//
// Fault model: a process may die at any time (that is the point); a broker whose first start
// finds its port taken meanwhile (between freePort and its bind: EADDRINUSE) is started again
// on a fresh port; any other broker that does not become ready throws with the tail of its
// log. restart() keeps the port: a clash there throws with the log.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { messageMentions, startOnFreshPorts } from '../../src/runtime/launcher/free-port.js';
import { NodeProcess } from '../../src/runtime/launcher/node-process.js';
import { COHORT_ARGV } from './cohort-argv.js';

const AGENT = path.resolve(import.meta.dirname, 'broker-agent.ts');

export class BrokerProcess {
  proc: NodeProcess | undefined;

  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly flags: readonly string[],
  ) {}

  static start(flags: readonly string[] = []): Promise<BrokerProcess> {
    return startOnFreshPorts(async (choose) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-broker-'));
      const b = new BrokerProcess(dir, await choose(), flags);
      try {
        await b.restart();
      } catch (error) {
        await b.stop();
        throw error;
      }
      return b;
    }, messageMentions('EADDRINUSE'));
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  async restart(): Promise<void> {
    const argv = [
      ...COHORT_ARGV,
      'broker',
      '--listen',
      this.address,
      '--data-dir',
      path.join(this.dir, 'data'),
      ...this.flags,
    ];
    this.proc = new NodeProcess(argv, path.join(this.dir, 'broker.log'));
    try {
      await this.proc.ready;
    } catch (error) {
      const log = fs.readFileSync(path.join(this.dir, 'broker.log'), 'utf8').slice(-4000);
      throw new Error(`${(error as Error).message}\n${log}`);
    }
  }

  async kill(): Promise<void> {
    const p = this.proc;
    if (p === undefined) return;
    p.kill('SIGKILL');
    await p.exited;
  }

  async stop(): Promise<void> {
    await this.kill();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A helper process (broker-agent.ts, or another `script`) and the JSON lines it printed. */
export class Agent {
  readonly lines: Record<string, unknown>[] = [];
  readonly proc: NodeProcess;

  constructor(dir: string, name: string, args: readonly string[], script = AGENT) {
    const argv = [process.execPath, '--import', 'tsx', script, ...args];
    this.proc = new NodeProcess(argv, path.join(dir, `${name}.log`));
    const lines = readline.createInterface({
      input: this.proc.child.stdout as NodeJS.ReadableStream,
    });
    lines.on('line', (line) => {
      try {
        this.lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // Not a JSON line: ignored.
      }
    });
  }

  of(event: string): Record<string, unknown>[] {
    return this.lines.filter((l) => l.event === event);
  }

  async kill(): Promise<void> {
    this.proc.kill('SIGKILL');
    await this.proc.exited;
  }
}
