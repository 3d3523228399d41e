// A pipeline stage's worker process (forked by stage-executor.ts, talking over its IPC
// channel): it runs one stage's function on the items it is handed — several at once when
// the stage's concurrency allows and the function waits on I/O — and answers each with its
// outputs, keeping the stage's state for `finish`. Off the pipeline's own event loop, a
// CPU-heavy stage gets a core of its own.
//
// Fault model: the process may die at any moment (SIGKILL, a crash); the pipeline sees its
// exit and fails the run with a typed error naming the stage — its state and the items it
// held are gone. An item the function throws on is reported as failed, not a crash.

import { type FromStageWorker, parseToStageWorker } from './protocol.js';
import { findStageFunction, type StageContext, type StageFunction } from './stages.js';

let fn: StageFunction | undefined;
let ctx: StageContext = { options: {}, state: new Map() };
let running = 0;
let finishing = false;

function send(msg: FromStageWorker): void {
  process.send?.(msg);
}

const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

function finishIfIdle(): void {
  if (!finishing || running > 0) return;
  finishing = false;
  try {
    send({ type: 'finished', outputs: fn?.finish?.(ctx) ?? [] });
  } catch (error) {
    send({ type: 'failed', seq: 0, reason: reasonOf(error) });
  }
}

async function runItem(seq: number, item: unknown): Promise<void> {
  running++;
  try {
    if (fn === undefined) throw new Error('no stage function yet');
    const outputs = await fn.process(item, ctx);
    send({ type: 'done', seq, outputs });
  } catch (error) {
    send({ type: 'failed', seq, reason: reasonOf(error) });
  } finally {
    running--;
    finishIfIdle();
  }
}

process.on('message', (raw) => {
  const m = parseToStageWorker(raw);
  if (m === undefined) return; // Only the pipeline talks to us; nothing else is trusted.
  switch (m.type) {
    case 'init':
      fn = findStageFunction(m.fn);
      ctx = { options: m.options, state: new Map() };
      // An unknown function fails each item rather than the process: the pipeline checks
      // names before it forks, so this is a version mismatch, reported per item.
      send({ type: 'ready' });
      return;
    case 'item':
      void runItem(m.seq, m.item);
      return;
    case 'finish':
      finishing = true;
      finishIfIdle();
      return;
    case 'exit':
      process.exit(0);
  }
});
