// The signal of something held through a key (a leadership, a semaphore permit): it aborts,
// with a HoldLostError, as soon as the hold is known lost — the session's lease is lost, or
// the key (that incarnation: its create revision) is deleted by anyone, watched from the
// revision at which the hold was granted, so a deletion in between is not missed. This is
// how a recipe "never holds past its lease": work done under the hold takes its signal.
//
// Fault model: the watch resumes across reconnects (client watch.ts) and survives compaction
// (wait.ts waitGone). If the watch fails otherwise, the hold can no longer be vouched for and
// is reported lost ('unknown'): the safe side.

import type { Client } from '../client.js';
import { HoldLostError } from './errors.js';
import type { Session } from './session.js';
import { type SeenKey, waitGone } from './wait.js';

export class Holding {
  private readonly lost = new AbortController();
  private readonly watching = new AbortController();
  private readonly onSessionLost: () => void;

  constructor(
    client: Client,
    readonly held: SeenKey,
    grantedAtRevision: number,
    private readonly session: Session,
  ) {
    this.onSessionLost = () =>
      this.lose(new HoldLostError(held.key, 'lease', { cause: session.signal.reason }));
    if (session.signal.aborted) this.onSessionLost();
    else session.signal.addEventListener('abort', this.onSessionLost, { once: true });
    waitGone(client, held, grantedAtRevision, this.watching.signal).then(
      () => this.lose(new HoldLostError(held.key, 'deleted')),
      (e: unknown) => {
        if (!this.watching.signal.aborted)
          this.lose(new HoldLostError(held.key, 'unknown', { cause: e }));
      },
    );
  }

  /** Aborts (reason: HoldLostError) when the hold is lost; also when it is given up. */
  get signal(): AbortSignal {
    return this.lost.signal;
  }

  /** Stops guarding (the hold is being given up); the signal aborts with `reason`. */
  stop(reason: unknown): void {
    this.session.signal.removeEventListener('abort', this.onSessionLost);
    this.watching.abort(reason);
    if (!this.lost.signal.aborted) this.lost.abort(reason);
  }

  private lose(error: HoldLostError): void {
    this.stop(error);
  }
}
