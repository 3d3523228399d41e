// A watcher's events as they arrive, and how its iteration ended ('done', or the error it
// threw), for the client tests.

import type { WatchEvent, Watcher } from '../../src/client/index.js';

export function collect(watcher: Watcher): { events: WatchEvent[]; ended: Promise<unknown> } {
  const events: WatchEvent[] = [];
  const ended = (async () => {
    for await (const event of watcher) events.push(event);
  })().then(
    () => 'done',
    (e: unknown) => e,
  );
  return { events, ended };
}
