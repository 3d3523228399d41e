// What `cohort node` and `cohort serve` do while they run in the foreground: wait for SIGINT
// or SIGTERM, or for a fatal error from the host (a failed disk, a broken assertion), and
// then stop. A fatal error is logged once (a failed disk as its one clear line), and the
// process ends within STORAGE_STOP_DEADLINE_MS whatever closing hangs on: no zombie.

import type { Logger } from 'pino';
import { STORAGE_STOP_DEADLINE_MS, storageFailure } from './open-storage.js';

export interface Foreground {
  /** Hand this to the host: it logs the error and ends the wait. */
  onFatal(error: Error): void;
  /** The fatal error, if one came. */
  readonly fatal: Error | undefined;
  /** Resolves on SIGINT, SIGTERM or a fatal error. */
  stopped(): Promise<void>;
}

/** `what` names the process in the fatal line ("node stopped: …"). */
export function foreground(log: Logger, what: string): Foreground {
  let fatal: Error | undefined;
  let wake: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    wake = resolve;
  });
  return {
    onFatal(error) {
      fatal = error;
      const line = storageFailure(error, what);
      if (line === undefined) log.fatal({ err: error }, `${what} stopped: a step failed`);
      else log.fatal(line);
      setTimeout(() => process.exit(1), STORAGE_STOP_DEADLINE_MS).unref();
      wake();
    },
    get fatal() {
      return fatal;
    },
    stopped() {
      const onSignal = (signal: string) => {
        log.info({ signal }, 'stopping');
        wake();
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      return done;
    },
  };
}
