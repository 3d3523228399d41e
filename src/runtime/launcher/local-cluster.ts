// A local cluster of real `cohort node` processes on 127.0.0.1, for `cohort cluster up` and
// the integration tests. Every node keeps its ports across restarts. With `chaos` on, a
// LinkProxy sits on every directed link (chaos/link-proxy.ts): node i reaches node j through
// the proxy i → j, so partitions, drops and delays act between the real processes.
//
// Peers authenticate with a cluster secret: `<dataDir>/cluster.secret` unless told otherwise,
// generated (32 random bytes, mode 0600) when absent, so restarts and `cluster up` reuse it.
// With `peerTls` they use mutual TLS instead (the three --peer-*-file flags; no secret is
// made); the proxies relay bytes, so TLS passes through them end to end.
//
// Fault model: nodes die when told (`kill`: SIGKILL, a crash with nothing flushed) or on
// their own; the launcher reports each exit and never restarts a node unasked.

import fs from 'node:fs';
import path from 'node:path';
import { API_TOKEN_FILE, readTokenFile } from '../api-token.js';
import { type LinkFaults, LinkProxy } from '../chaos/link-proxy.js';
import { ensureSecretFile } from '../transport/secret-file.js';
import { freePort } from './free-port.js';
import { type NodeExit, NodeProcess, type NodeReady } from './node-process.js';

export interface LocalClusterOptions {
  readonly algorithm: string;
  readonly nodes: number;
  readonly dataDir: string;
  readonly clusterId: string;
  /** The argv that runs the `cohort` CLI (e.g. [node, --import, tsx, src/cli/main.ts]). */
  readonly cohort: readonly string[];
  /** Extra `cohort node` arguments: algorithm options, --storage, --outputs-file … */
  readonly nodeArgs?: readonly string[];
  readonly chaos?: boolean;
  /** The cluster secret every node authenticates with (made if absent). */
  readonly clusterSecretFile?: string;
  /** Mutual TLS between the nodes instead of the cluster secret. */
  readonly peerTls?: PeerTlsFiles;
  readonly onExit?: (id: number, exit: NodeExit, expected: boolean) => void;
}

/** Where the CA and each node's certificate and key are (PEM; see transport/peer-auth.ts). */
export interface PeerTlsFiles {
  readonly caFile: string;
  certFile(id: number): string;
  keyFile(id: number): string;
}

/** The layout `cohort cluster up --peer-tls-dir` expects: ca.pem, node-N.pem, node-N-key.pem. */
export function peerTlsDir(dir: string): PeerTlsFiles {
  return {
    caFile: path.join(dir, 'ca.pem'),
    certFile: (id) => path.join(dir, `node-${id}.pem`),
    keyFile: (id) => path.join(dir, `node-${id}-key.pem`),
  };
}

export interface NodeStatus {
  readonly id: number;
  readonly up: boolean;
  readonly pid: number | null;
  readonly port: number;
  readonly apiPort: number;
}

/** Starts tried before a port clash is reported (each with freshly picked ports). */
const START_ATTEMPTS = 3;

export class LocalCluster {
  readonly ids: number[];
  private readonly ports = new Map<number, number>();
  private readonly apiPorts = new Map<number, number>();
  private readonly procs = new Map<number, NodeProcess>();
  private readonly expected = new Set<NodeProcess>();
  readonly proxies = new Map<string, LinkProxy>();

  constructor(readonly o: LocalClusterOptions) {
    this.ids = Array.from({ length: o.nodes }, (_, i) => i + 1);
  }

  /**
   * Picks ports, starts the proxies and every node; resolves when all are ready. A port
   * freePort picked can be taken by another process (or one of our proxies) before the node
   * binds it; then the whole start is undone and tried again with fresh ports.
   */
  async start(): Promise<NodeReady[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.startOnce();
      } catch (error) {
        if (attempt === START_ATTEMPTS || !this.someNodeFoundAddressInUse()) throw error;
        await this.stop();
        this.proxies.clear();
        this.procs.clear();
      }
    }
  }

  private someNodeFoundAddressInUse(): boolean {
    return this.ids.some((id) => {
      const log = this.logPath(id);
      return fs.existsSync(log) && fs.readFileSync(log, 'utf8').includes('address in use');
    });
  }

  private logPath(id: number): string {
    return path.join(this.o.dataDir, `node-${id}.log`);
  }

  private async startOnce(): Promise<NodeReady[]> {
    fs.mkdirSync(this.o.dataDir, { recursive: true });
    if (this.o.peerTls === undefined) ensureSecretFile(this.secretFile);
    for (const id of this.ids) {
      this.ports.set(id, await freePort());
      this.apiPorts.set(id, await freePort());
    }
    if (this.o.chaos === true) {
      for (const from of this.ids) {
        for (const to of this.ids) {
          if (from === to) continue;
          const proxy = new LinkProxy(from, to, { host: '127.0.0.1', port: this.port(to) });
          await proxy.listen();
          this.proxies.set(`${from}->${to}`, proxy);
        }
      }
    }
    return Promise.all(this.ids.map((id) => this.spawn(id)));
  }

  port(id: number): number {
    const port = this.ports.get(id);
    if (port === undefined) throw new Error(`no node ${id}`);
    return port;
  }

  apiPort(id: number): number {
    return this.apiPorts.get(id) as number;
  }

  /**
   * The bearer token of node `id`'s client API, read from its `api.token` (each start writes
   * a new one, before its API listens: read it again after a 401).
   */
  apiToken(id: number): string {
    return readTokenFile(path.join(this.o.dataDir, `node-${id}`, API_TOKEN_FILE));
  }

  get secretFile(): string {
    return this.o.clusterSecretFile ?? path.join(this.o.dataDir, 'cluster.secret');
  }

  /** Node `id`'s view of the cluster: itself at its port, the others through proxies. */
  peersFor(id: number): string {
    return this.ids
      .map((j) => {
        const proxy = this.proxies.get(`${id}->${j}`);
        return `${j}=127.0.0.1:${proxy === undefined ? this.port(j) : proxy.port}`;
      })
      .join(',');
  }

  async spawn(id: number): Promise<NodeReady> {
    const old = this.procs.get(id);
    if (old?.alive === true) throw new Error(`node ${id} is running (pid ${old.pid})`);
    const argv = [
      ...this.o.cohort,
      'node',
      '--algorithm',
      this.o.algorithm,
      '--id',
      String(id),
      '--peers',
      this.peersFor(id),
      '--data-dir',
      this.o.dataDir,
      '--cluster-id',
      this.o.clusterId,
      ...this.peerAuthArgs(id),
      '--api-port',
      String(this.apiPort(id)),
      ...(this.o.nodeArgs ?? []),
    ];
    const proc = new NodeProcess(argv, this.logPath(id));
    this.procs.set(id, proc);
    void proc.exited.then((exit) => this.o.onExit?.(id, exit, this.expected.has(proc)));
    return proc.ready;
  }

  private peerAuthArgs(id: number): string[] {
    const t = this.o.peerTls;
    if (t === undefined) return ['--cluster-secret-file', this.secretFile];
    return [
      '--peer-cert-file',
      t.certFile(id),
      '--peer-key-file',
      t.keyFile(id),
      '--peer-trusted-ca-file',
      t.caFile,
    ];
  }

  /** SIGKILL: the node crashes with whatever it had not synced lost. */
  async kill(id: number): Promise<NodeExit | undefined> {
    const proc = this.procs.get(id);
    if (proc === undefined || !proc.alive) return undefined;
    this.expected.add(proc);
    proc.kill('SIGKILL');
    return proc.exited;
  }

  restart(id: number): Promise<NodeReady> {
    return this.spawn(id);
  }

  /** Sends a signal to a running node (SIGSTOP/SIGCONT pause and resume it). */
  signal(id: number, signal: NodeJS.Signals): void {
    this.procs.get(id)?.kill(signal);
  }

  /** Sets the faults of the directed link from → to (chaos only). */
  setLink(from: number, to: number, faults: LinkFaults): void {
    const proxy = this.proxies.get(`${from}->${to}`);
    if (proxy === undefined) throw new Error('links have faults only with chaos on');
    proxy.set(faults);
  }

  status(): NodeStatus[] {
    return this.ids.map((id) => {
      const proc = this.procs.get(id);
      const up = proc?.alive === true;
      return {
        id,
        up,
        pid: up ? (proc?.pid ?? null) : null,
        port: this.port(id),
        apiPort: this.apiPort(id),
      };
    });
  }

  /** SIGTERM to every node (a clean stop), then closes the proxies. */
  async stop(): Promise<void> {
    const running = [...this.procs.values()].filter((p) => p.alive);
    for (const p of running) {
      this.expected.add(p);
      p.kill('SIGTERM');
    }
    await Promise.all(running.map((p) => p.exited));
    await Promise.all([...this.proxies.values()].map((p) => p.close()));
  }
}
