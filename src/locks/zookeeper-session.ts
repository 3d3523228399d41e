// One ZooKeeper session for the ZooKeeper lock backend (zookeeper.ts), over
// node-zookeeper-client (pure JavaScript, no native build; the `zookeeper` package wraps the
// C client and needs a native build): the callback API as promises with a deadline, typed
// failures, and the session's life — connected, disconnected (the client reconnects and
// re-registers its watches; ephemeral nodes live on while the session does) and expired (a
// terminal state: every ephemeral node of the session is gone; the backend starts a new
// session for later acquires).
//
// Fault model: the server may be down or restarted. The client queues requests while
// disconnected and never times them out, so every request here has a deadline; a request
// that misses it, or fails with connection loss or session expiry, rejects with
// BackendUnavailableError (code-tagged, see ZkFailure), and a request that misses it also
// drops the connection (the client reconnects and learns whether its session lives). A
// timed-out create may still run later: the recipe names its nodes with a random id to find
// (and delete) such orphans.

import type { Socket } from 'node:net';
import zookeeper, { type Client, type Event, type Stat } from 'node-zookeeper-client';
import { BackendUnavailableError } from './errors.js';

const RECONNECT_WATCHDOG_MIN_MS = 500;

/** Why a ZooKeeper request failed, for the recipe's decisions. */
export type ZkFailure = 'no-node' | 'node-exists' | 'expired' | 'unavailable';

export class ZkError extends BackendUnavailableError {
  constructor(
    readonly failure: ZkFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

function failureOf(error: unknown): ZkFailure {
  const code = (error as { getCode?: () => number }).getCode?.();
  if (code === zookeeper.Exception.NO_NODE) return 'no-node';
  if (code === zookeeper.Exception.NODE_EXISTS) return 'node-exists';
  if (code === zookeeper.Exception.SESSION_EXPIRED) return 'expired';
  return 'unavailable';
}

export class ZkSession {
  readonly client: Client;
  expired = false;
  private watchdog: ReturnType<typeof setInterval> | undefined;
  private readonly onExpiry = new Set<() => void>();
  private readonly onConnect = new Set<() => void>();

  constructor(
    connectString: string,
    sessionTimeoutMs: number,
    private readonly requestTimeoutMs: number,
  ) {
    this.client = zookeeper.createClient(connectString, {
      sessionTimeout: sessionTimeoutMs,
      spinDelay: 100,
    });
    this.client.on('expired', () => this.end());
    this.client.on('connected', () => {
      clearInterval(this.watchdog);
      this.watchdog = undefined;
      for (const f of [...this.onConnect]) f();
    });
    this.client.on('disconnected', () => this.armWatchdog(sessionTimeoutMs));
  }

  /**
   * node-zookeeper-client 1.1.3 waits for the server's ConnectResponse with no deadline once
   * TCP connects: a server that accepts and never answers (one shutting down or starting up)
   * leaves the client disconnected for good. While disconnected we therefore drop the
   * socket every so often, which makes the client try again (its own retry path).
   */
  private armWatchdog(sessionTimeoutMs: number): void {
    if (this.watchdog !== undefined || this.expired) return;
    const everyMs = Math.max(RECONNECT_WATCHDOG_MIN_MS, Math.floor(sessionTimeoutMs / 4));
    this.watchdog = setInterval(() => {
      if (this.expired) return clearInterval(this.watchdog);
      this.dropSocket();
    }, everyMs);
    this.watchdog.unref?.();
  }

  /** Closes the client's socket: it reconnects by its own retry path. */
  private dropSocket(): void {
    const manager = (this.client as unknown as { connectionManager?: { socket?: Socket } })
      .connectionManager;
    manager?.socket?.destroy();
  }

  /** Connects; rejects (and closes) if no session is established within the deadline. */
  async open(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.end();
        reject(new ZkError('unavailable', 'zookeeper: no session within the request timeout'));
      }, this.requestTimeoutMs);
      this.client.once('connected', () => {
        clearTimeout(timer);
        resolve();
      });
      this.client.connect();
    });
  }

  /** The session timeout the server granted (ms). */
  get timeoutMs(): number {
    return this.client.getSessionTimeout();
  }

  whenExpired(f: () => void): () => void {
    this.onExpiry.add(f);
    return () => this.onExpiry.delete(f);
  }

  whenConnected(f: () => void): () => void {
    this.onConnect.add(f);
    return () => this.onConnect.delete(f);
  }

  /** Ends the session (closing it deletes its ephemeral nodes at once) and tells whoever
   *  waits on its expiry: from here on it is as good as expired. */
  end(): void {
    if (this.expired) return;
    this.expired = true;
    clearInterval(this.watchdog);
    for (const f of [...this.onExpiry]) f();
    this.client.close();
  }

  /** One request as a promise with a deadline; failures become ZkError. */
  call<T>(what: string, run: (done: (error: unknown, value?: T) => void) => void): Promise<T> {
    if (this.expired) {
      return Promise.reject(new ZkError('expired', `zookeeper ${what}: session expired`));
    }
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        // The connection is not working, whatever the client thinks (a server that closed
        // the session under a reconnect leaves it "connected" and silent): drop it, so the
        // client reconnects and learns whether the session still lives.
        this.dropSocket();
        reject(new ZkError('unavailable', `zookeeper ${what}: no answer in time`));
      }, this.requestTimeoutMs);
      run((error, value) => {
        clearTimeout(timer);
        if (error === null || error === undefined) resolve(value as T);
        else {
          const message = error instanceof Error ? error.message : String(error);
          reject(new ZkError(failureOf(error), `zookeeper ${what}: ${message}`, { cause: error }));
        }
      });
    });
  }

  mkdirp(path: string): Promise<string> {
    return this.call('mkdirp', (done) => this.client.mkdirp(path, (e, p) => done(e, p)));
  }

  createEphemeralSequential(path: string, data: Buffer): Promise<string> {
    const mode = zookeeper.CreateMode.EPHEMERAL_SEQUENTIAL;
    return this.call('create', (done) =>
      this.client.create(path, data, mode, (e, p) => done(e, p)),
    );
  }

  children(path: string): Promise<{ children: string[]; stat: Stat }> {
    return this.call('getChildren', (done) =>
      this.client.getChildren(path, (e, children, stat) => done(e, { children, stat })),
    );
  }

  /** exists() with a watch: resolves to whether the node exists; `watcher` fires once on
   *  its next change (deletion, for an existing node). */
  existsWatch(path: string, watcher: (event: Event) => void): Promise<boolean> {
    return this.call('exists', (done) =>
      this.client.exists(path, watcher, (e, stat) => done(e, stat !== null && stat !== undefined)),
    );
  }

  exists(path: string): Promise<boolean> {
    return this.call('exists', (done) =>
      this.client.exists(path, (e, stat) => done(e, stat !== null && stat !== undefined)),
    );
  }

  /** Deletes a node; true if it was there. */
  async remove(path: string): Promise<boolean> {
    try {
      await this.call<void>('remove', (done) => this.client.remove(path, -1, (e) => done(e)));
      return true;
    } catch (error) {
      if (error instanceof ZkError && error.failure === 'no-node') return false;
      throw error;
    }
  }
}
