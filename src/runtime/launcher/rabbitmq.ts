// A real RabbitMQ (Debian's rabbitmq-server 3.10, /usr/lib/rabbitmq) for integration tests and
// `cohort bench comm` (test/support/rabbitmq.ts re-exports it):
// one private node on 127.0.0.1 with a temporary base directory, kernel-chosen free ports (AMQP,
// Erlang distribution and its own epmd), a unique node name, loopback only; ready once an AMQP
// connection opens. Stopped by the pids we started, and nothing of it is left running.
//
// What we learnt about how `rabbitmq-server` runs (3.10.8 on Erlang 25):
// - /usr/sbin/rabbitmq-server is rabbitmq-script-wrapper, which su's to the rabbitmq user: not
//   for us. /usr/lib/rabbitmq/bin/rabbitmq-server is the real sh script. By default it starts
//   the VM in the background (`start_rabbitmq_server &`) and stays as a parent that traps
//   TERM/INT — the pid we spawn would be a shell, not the broker. With RABBITMQ_ALLOW_INPUT set
//   it `exec`s erl instead, erl `exec`s erlexec and erlexec `exec`s beam.smp: the pid we spawn
//   IS the broker. ALLOW_INPUT also drops `-noinput`, so we give it back ourselves.
// - beam.smp forks erl_child_setup, which forks whatever the broker runs (inet_gethost, the
//   disk monitor's /bin/sh). They all end when beam.smp does, even on SIGKILL (their pipe to
//   it closes). SIGTERM is a clean shutdown (a few seconds).
// - epmd: the VM would run `epmd -daemon`, which forks and outlives everything, and a system
//   epmd on 4369 would be shared with whatever else runs here. We run epmd ourselves in the
//   foreground (no -daemon: the pid is epmd's) on a free port, point the node at it with
//   ERL_EPMD_PORT and pass `-start_epmd false`. RabbitMQ's prelaunch still spawns a short
//   `erl -sname epmd-starter-…` that would run `epmd -daemon` on ERL_EPMD_PORT; that finds the
//   port taken by ours and exits at once.
// - Paths: every directory the node writes (mnesia, logs, plugins' expansion, the pid and
//   feature-flags files) is set through RABBITMQ_* variables into our base directory; the
//   system's /etc/rabbitmq/rabbitmq-env.conf is bypassed (RABBITMQ_CONF_ENV_FILE points at a
//   file that does not exist); HOME is the base directory, so the Erlang cookie is ours too.
//   RABBITMQ_NODE_IP_ADDRESS keeps AMQP on loopback; inet_dist_use_interface does the same for
//   the distribution port. The user `guest` (the default) may connect from loopback only.
// - Every process of ours carries COHORT_RABBITMQ=<node> in its environment, which is how
//   leftovers() finds anything still running after stop().
// - A port taken between freePort and its bind shows in the log as `eaddrinuse` (AMQP),
//   `dist_port_already_used` (distribution) or, from our epmd, "there is already a epmd
//   running at port" — epmd exits 0 and says so only at debug level, hence its -d.
//
// Fault model: the node may fail to start: a port taken meanwhile is tried again, a fresh
// node on fresh ports (startOnFreshPorts); anything else (a missing package) throws with the
// tail of its log. Either way what it created is stopped and removed. A node that exits
// unexpectedly is reported by the next readiness wait, not silently restarted.

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import amqp from 'amqplib';
import { until } from '../testing/wait.js';
import { messageMentions, type PortChooser, startOnFreshPorts } from './free-port.js';

export const RABBITMQ_BIN_DIR = '/usr/lib/rabbitmq/bin';
const EPMD_BIN = '/usr/bin/epmd';
const LOG_TAIL_BYTES = 16 * 1024;
const MARKER = 'COHORT_RABBITMQ';
/** What the node and its epmd say when a port was taken before they bound it (the header). */
const CLASH_WORDS = ['eaddrinuse', 'dist_port_already_used', 'there is already a epmd running'];

export class RabbitMqServer {
  private broker: ChildProcess | undefined;
  private epmd: ChildProcess | undefined;
  private log = '';

  private constructor(
    readonly dir: string,
    readonly nodeName: string,
    readonly amqpPort: number,
    readonly distPort: number,
    readonly epmdPort: number,
  ) {}

  /**
   * Starts a fresh node in a new temporary directory; waits until AMQP connections open. A
   * start that finds a port taken meanwhile is tried again with a fresh node on fresh ports.
   */
  static async start(): Promise<RabbitMqServer> {
    const script = path.join(RABBITMQ_BIN_DIR, 'rabbitmq-server');
    if (!fs.existsSync(script) || !fs.existsSync(EPMD_BIN))
      throw new Error(`${script} is missing: apt-get install rabbitmq-server (npm test does)`);
    return startOnFreshPorts(RabbitMqServer.startOnce, messageMentions(...CLASH_WORDS));
  }

  private static async startOnce(choose: PortChooser): Promise<RabbitMqServer> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-rabbitmq-'));
    fs.writeFileSync(path.join(dir, 'enabled_plugins'), '[].\n');
    fs.writeFileSync(path.join(dir, 'rabbitmq.conf'), '');
    const nodeName = `cohort-${randomBytes(6).toString('hex')}@localhost`;
    const [amqpPort, distPort, epmdPort] = [await choose(), await choose(), await choose()];
    const server = new RabbitMqServer(dir, nodeName, amqpPort, distPort, epmdPort);
    try {
      await server.startNode();
    } catch (error) {
      await server.close();
      throw error;
    }
    return server;
  }

  /** The AMQP URL (user guest, allowed from loopback). */
  get url(): string {
    return `amqp://guest:guest@127.0.0.1:${this.amqpPort}`;
  }

  /** beam.smp's pid while the node runs. */
  get pid(): number | undefined {
    return this.broker?.pid;
  }

  /** The environment every process of this node runs with (see the header). */
  private env(): NodeJS.ProcessEnv {
    const at = (name: string) => path.join(this.dir, name);
    return {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: this.dir,
      LANG: 'C.UTF-8',
      [MARKER]: this.nodeName,
      ERL_EPMD_PORT: String(this.epmdPort),
      ERL_EPMD_ADDRESS: '127.0.0.1',
      RABBITMQ_CONF_ENV_FILE: at('no-rabbitmq-env.conf'),
      RABBITMQ_NODENAME: this.nodeName,
      RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
      RABBITMQ_NODE_PORT: String(this.amqpPort),
      RABBITMQ_DIST_PORT: String(this.distPort),
      RABBITMQ_MNESIA_BASE: at('mnesia'),
      RABBITMQ_LOG_BASE: at('log'),
      RABBITMQ_LOGS: '-',
      RABBITMQ_CONFIG_FILE: at('rabbitmq.conf'),
      RABBITMQ_ADVANCED_CONFIG_FILE: at('advanced.config'),
      RABBITMQ_ENABLED_PLUGINS_FILE: at('enabled_plugins'),
      RABBITMQ_PLUGINS_EXPAND_DIR: at('plugins-expand'),
      RABBITMQ_FEATURE_FLAGS_FILE: at('feature_flags'),
      RABBITMQ_PID_FILE: at('rabbitmq.pid'),
      RABBITMQ_ALLOW_INPUT: 'true',
      RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS:
        '-noinput -start_epmd false -kernel inet_dist_use_interface {127,0,0,1}',
    };
  }

  private keep(child: ChildProcess): void {
    const keep = (chunk: Buffer): void => {
      this.log = (this.log + chunk.toString('utf8')).slice(-LOG_TAIL_BYTES);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  private async startNode(): Promise<void> {
    const env = this.env();
    // -d: epmd names a taken port only at debug level (the header).
    const epmdArgs = ['-d', '-port', String(this.epmdPort), '-address', '127.0.0.1'];
    this.epmd = spawn(EPMD_BIN, epmdArgs, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.keep(this.epmd);
    const script = path.join(RABBITMQ_BIN_DIR, 'rabbitmq-server');
    this.broker = spawn(script, [], { env, cwd: this.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    this.keep(this.broker);
    await until(
      async () => {
        for (const child of [this.epmd, this.broker]) {
          if (child === undefined) throw new Error('rabbitmq was stopped while starting');
          if (child.exitCode !== null || child.signalCode !== null)
            throw new Error(`rabbitmq exited (${child.exitCode}); its log ends:\n${this.log}`);
        }
        return this.answers();
      },
      'rabbitmq to accept an AMQP connection',
      120_000,
    );
  }

  /** Whether an AMQP connection opens now (closed again at once). */
  async answers(): Promise<boolean> {
    try {
      const connection = await amqp.connect(this.url, { timeout: 2_000 });
      await connection.close();
      return true;
    } catch {
      return false;
    }
  }

  /** Runs rabbitmqctl against this node (e.g. set_vm_memory_high_watermark 0); its stdout. */
  async ctl(...args: string[]): Promise<string> {
    const run = promisify(execFile);
    const ctl = path.join(RABBITMQ_BIN_DIR, 'rabbitmqctl');
    const { stdout } = await run(ctl, ['-n', this.nodeName, ...args], { env: this.env() });
    return stdout;
  }

  /**
   * Stops the node and its epmd and waits for both to exit: 'clean' sends SIGTERM (RabbitMQ
   * shuts down in order), 'kill' SIGKILL. By pid; nothing else is ever signalled.
   */
  async stop(how: 'clean' | 'kill' = 'clean'): Promise<void> {
    const broker = this.broker;
    this.broker = undefined;
    await stopChild(broker, how === 'clean' ? 'SIGTERM' : 'SIGKILL');
    const epmd = this.epmd;
    this.epmd = undefined;
    await stopChild(epmd, 'SIGTERM');
    // The broker's own children (erl_child_setup, inet_gethost …) end when their pipe to it
    // closes, a moment after it exits: stopped means they are gone too.
    await until(() => this.leftovers().length === 0, 'rabbitmq children to exit', 10_000).catch(
      () => {
        for (const pid of this.leftovers()) killQuietly(pid);
      },
    );
  }

  /** Pids of processes still carrying this node's marker (none once stop() returned). */
  leftovers(): number[] {
    const found: number[] = [];
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const environ = fs.readFileSync(`/proc/${entry}/environ`, 'utf8');
        if (environ.split('\0').includes(`${MARKER}=${this.nodeName}`)) found.push(Number(entry));
      } catch {
        // Gone meanwhile, or not ours to read.
      }
    }
    return found;
  }

  /** Stops the node (SIGKILL: the data is thrown away) and removes its directory. */
  async close(): Promise<void> {
    await this.stop('kill');
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

async function stopChild(child: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (child.pid !== undefined) process.kill(child.pid, signal);
  await exited;
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Exited meanwhile.
  }
}
