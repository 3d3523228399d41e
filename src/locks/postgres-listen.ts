// The wake-ups of the PostgreSQL lock's waiters (and the outbox relay's): one dedicated
// connection per backend that LISTENs on one channel. A notification is sent in the
// notifying transaction, so it arrives only after that committed; it goes to the local
// subscribers of the key its payload names (`keyOf`: the lock's name in a hand-off's
// `seq|token|slot|name`), each given the payload.
//
// Fault model: the connection may drop (a server restart, a killed backend). Notifications
// sent meanwhile are lost, so after reconnecting (retried with a capped back-off until the
// backend closes) every waiter is woken once to look again. Waiters also wake at the
// current holder's expiry (an expiry notifies nobody), so a lost notification delays a
// waiter at most until then, and never makes it spin.

import pg from 'pg';

const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 2_000;

export class PostgresNotifications {
  private readonly waiters = new Map<string, Set<(payload: string) => void>>();
  private client: pg.Client | undefined;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private failures = 0;
  private closed = false;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly channel: string,
    /** Which subscribers a payload is for (undefined: nobody's). Default: the payload. */
    private readonly keyOf: (payload: string) => string | undefined = (payload) => payload,
  ) {}

  /** Connects and LISTENs; rejects if the first connection fails (then keeps trying). */
  async start(): Promise<void> {
    try {
      await this.connect();
    } catch (error) {
      this.scheduleReconnect();
      throw error;
    }
  }

  /** Calls `wake` with every notification for `name`, and with '' after a reconnect. */
  subscribe(name: string, wake: (payload: string) => void): () => void {
    let set = this.waiters.get(name);
    if (set === undefined) {
      set = new Set();
      this.waiters.set(name, set);
    }
    set.add(wake);
    return () => {
      const current = this.waiters.get(name);
      current?.delete(wake);
      if (current?.size === 0) this.waiters.delete(name);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }

  private async connect(): Promise<void> {
    const client = new pg.Client(this.config);
    // Errors end the connection; 'end' below reconnects. An unhandled 'error' would throw.
    client.on('error', () => {});
    client.on('end', () => {
      if (this.client !== client) return;
      this.client = undefined;
      this.scheduleReconnect();
    });
    client.on('notification', (n) => {
      if (n.channel === this.channel && n.payload !== undefined) this.wake(n.payload);
    });
    await client.connect();
    try {
      await client.query(`LISTEN ${this.channel}`);
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
    if (this.closed) {
      await client.end().catch(() => {});
      return;
    }
    this.client = client;
    this.failures = 0;
    this.wakeAll(); // Releases may have gone by while nobody listened.
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer !== undefined) return;
    const delay = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** this.failures);
    this.failures = Math.min(this.failures + 1, 10);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.connect().catch(() => this.scheduleReconnect());
    }, delay);
  }

  private wake(payload: string): void {
    const key = this.keyOf(payload);
    if (key === undefined) return;
    for (const wake of [...(this.waiters.get(key) ?? [])]) wake(payload);
  }

  private wakeAll(): void {
    for (const set of [...this.waiters.values()]) for (const wake of [...set]) wake('');
  }
}
