// App-server processes for the session survival test: N copies of test/support/session-app.ts
// started in parallel (through tsx), each ready once it prints its ports; SIGKILL one by the
// pid we started; stop the rest. And `call`, one HTTP request with a cookie, as a browser
// would make it (the cookie jar is the caller's).
//
// Fault model: a server that exits before it listens fails the start with its stderr tail;
// everything started is stopped. Nothing but our own children is ever signalled.

import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import readline from 'node:readline';
import type { CountReply, SessionAppConfig } from './session-app.js';

const APP = path.resolve(import.meta.dirname, 'session-app.ts');
const STDERR_TAIL = 8 * 1024;

export interface AppServer {
  readonly config: SessionAppConfig;
  readonly child: ChildProcess;
  readonly port: number;
  readonly gossipPort: number | undefined;
}

function startOne(config: SessionAppConfig): Promise<AppServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', APP, JSON.stringify(config)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_TAIL);
  });
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      const m = JSON.parse(line) as { event: string; port: number; gossipPort?: number };
      if (m.event === 'listening')
        resolve({ config, child, port: m.port, gossipPort: m.gossipPort });
    });
    child.once('exit', (code) =>
      reject(new Error(`${config.name} exited (${code}) before listening:\n${stderr}`)),
    );
  });
}

export class AppServers {
  private constructor(readonly servers: AppServer[]) {}

  static async start(configs: readonly SessionAppConfig[]): Promise<AppServers> {
    const started = await Promise.allSettled(configs.map(startOne));
    const servers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failed = started.find((s) => s.status === 'rejected');
    if (failed !== undefined) {
      await new AppServers(servers).stop();
      throw failed.reason;
    }
    return new AppServers(servers);
  }

  at(index: number): AppServer {
    const server = this.servers[index];
    if (server === undefined) throw new RangeError(`no app server ${index}`);
    return server;
  }

  /** SIGKILLs server `index` (a crash: nothing flushed, nothing said) and waits for its exit. */
  async kill(index: number): Promise<void> {
    const { child } = this.at(index);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    for (let i = 0; i < this.servers.length; i++) await this.kill(i);
  }
}

export interface Answer {
  readonly status: number;
  readonly body: CountReply;
  /** The cookie to send next ("name=value"), when the answer set one. */
  readonly cookie: string | undefined;
  readonly backend: string | undefined;
}

/** One request on 127.0.0.1:port with `cookie` ("name=value") if given. */
export function call(
  port: number,
  method: 'GET' | 'POST',
  route: string,
  cookie?: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = cookie === undefined ? {} : { cookie };
    const req = http.request({
      host: '127.0.0.1',
      port,
      method,
      path: route,
      headers,
      agent: false,
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const set = res.headers['set-cookie']?.[0];
        const backend = res.headers['x-cohort-backend'];
        resolve({
          status: res.statusCode ?? 0,
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as CountReply,
          cookie: set === undefined ? undefined : (set.split(';')[0] as string),
          backend: typeof backend === 'string' ? backend : undefined,
        });
      });
    });
    req.end();
  });
}
