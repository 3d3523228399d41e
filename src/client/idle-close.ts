// Closes a client's shared stream (Watch, LeaseKeepAlive) a while after nothing is left on it,
// not at once. Closing a gRPC stream early is a cancel, an HTTP/2 RST_STREAM, and a server's
// HTTP/2 stack takes a run of them for the "rapid reset" attack: Node's (nghttp2) closes the
// whole connection, failing every call on it, after about 1,000 resets coming faster than 33 a
// second. A lock client whose every acquire opened and dropped a watch or a keep-alive reached
// that rate against `cohort serve`. Closed only after IDLE_STREAM_MS with nothing on it, a
// stream is reused by a busy client, and an idle one resets at most one per period.

/** How long a shared stream stays open with nothing on it. */
export const IDLE_STREAM_MS = 2_000;

export class IdleClose {
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** `close` runs once the stream has been idle IDLE_STREAM_MS; it checks that it still is. */
  constructor(private readonly close: () => void) {}

  /** Nothing is left on the stream: close it later, unless it is used again meanwhile. */
  idle(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.close();
    }, IDLE_STREAM_MS);
    // A process that forgets to close its client is not kept alive by the wait alone.
    this.timer.unref();
  }

  /** Used again, or closed for good: no close pending. */
  busy(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** Cancels a stream nobody will read; a cancel emits 'error', which must not go unheard. */
export function discard(stream: {
  on(event: 'error', listener: () => void): unknown;
  cancel(): void;
}): void {
  stream.on('error', () => {});
  stream.cancel();
}
