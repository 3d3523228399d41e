// `cohort compute stream` and `cohort compute actors`: the stream (src/compute/stream) and
// actor (src/compute/actors) models as real runs on worker processes. `stream` counts the
// words of --input through a Storm-style topology and compares the sink's totals with the
// single-process count (exit 1 if exactly-once or the idempotent sink is not exact, or
// at-least-once lost a word); `--exactly-once` runs checkpoint barriers and a transactional
// sink (every `--checkpoint-interval-ms`), `--idempotent-sink` the ack tree's replays into
// a deduplicating sink; `--kill-at R` SIGKILLs the worker the spout hands record R. With `--window` the
// input is `<eventTimeMs> <text>` lines and the counts are per (event-time window, word),
// compared with one in-process EventTimeWindows over the same records. `actors` runs the
// bank example and checks conservation and every balance (exit 1 on a mismatch); `--kill-at K` SIGKILLs node 0 after K processed
// messages, `--crash-at T` tells account 0 to crash after T transfers. The libraries load
// only when a command runs.

import fs from 'node:fs';
import type { Command } from 'commander';
import { table } from './format.js';
import { EXIT_CHECK_FAILED, EXIT_OK, type Exit, UsageError } from './usage-error.js';

interface StreamFlags {
  workers: string;
  input: string;
  generate?: string;
  exactlyOnce?: boolean;
  idempotentSink?: boolean;
  checkpointIntervalMs: string;
  maxPending: string;
  timeoutMs: string;
  killAt?: string;
  top: string;
  json?: boolean;
  window?: string;
  maxOutOfOrderMs: string;
  allowedLatenessMs: string;
}

interface ActorFlags {
  workers: string;
  accounts: string;
  transfers: string;
  seed: string;
  crashAt?: string;
  killAt?: string;
  mailbox: string;
  json?: boolean;
}

export function computeModelsCommandDef(group: Command, exit: Exit): void {
  group
    .command('stream')
    .description('Storm-style word count: a spout and split/count bolts on worker processes')
    .requiredOption('--workers <n>', 'worker processes')
    .requiredOption('--input <file>', 'the text to stream, one record per line')
    .option('--generate <kb>', 'first write a generated corpus of this many KB to --input')
    .option(
      '--exactly-once',
      'checkpoint barriers and a transactional sink: a restore replays nothing twice',
    )
    .option('--checkpoint-interval-ms <ms>', 'exactly-once: time between checkpoints', '200')
    .option('--idempotent-sink', 'at-least-once replays into a sink that skips duplicates')
    .option('--max-pending <n>', 'records in flight at once', '64')
    .option(
      '--timeout-ms <ms>',
      'replay a record whose tree is not complete by then (exactly-once: kill a worker stalling a checkpoint that long)',
      '30000',
    )
    .option('--kill-at <r>', 'SIGKILL the worker the spout hands record R (counted from 0)')
    .option('--top <k>', 'words to print, most frequent first', '10')
    .option(
      '--window <spec>',
      'count per event-time window, tumbling:SIZE or sliding:SIZE/SLIDE (ms); input lines are <eventTimeMs> <text>',
    )
    .option('--max-out-of-order-ms <ms>', 'the watermark trails the newest event time by this', '0')
    .option('--allowed-lateness-ms <ms>', 'a fired window still takes late records this long', '0')
    .option('--json', 'print one JSON document')
    .action(async (flags: StreamFlags) => exit(await streamCommand(flags)));
  group
    .command('actors')
    .description('a bank of account actors on worker processes, checked for conservation')
    .requiredOption('--workers <n>', 'worker processes (actor nodes)')
    .option('--accounts <n>', 'account actors', '8')
    .option('--transfers <n>', 'transfers, each two messages', '1000')
    .option('--seed <n>', 'seed of the transfers', '1')
    .option('--crash-at <t>', 'tell account 0 to crash after T transfers')
    .option('--kill-at <k>', 'SIGKILL node 0 after K messages are processed')
    .option('--mailbox <policy>', "a restarted actor's mailbox: redeliver or drop", 'redeliver')
    .option('--json', 'print one JSON document')
    .action(async (flags: ActorFlags) => exit(await actorsCommand(flags)));
}

/** A positive integer flag (shared with `compute mapreduce`). */
export function positive(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new UsageError(`${flag} must be a positive integer, got '${raw}'`);
  return n;
}

function count(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw))
    throw new UsageError(`${flag} must be a non-negative integer, got '${raw}'`);
  return Number(raw);
}

type WindowSpecOf =
  | { kind: 'tumbling'; sizeMs: number }
  | { kind: 'sliding'; sizeMs: number; slideMs: number };

/** `tumbling:SIZE` or `sliding:SIZE/SLIDE`, in ms. */
function windowSpec(raw: string): WindowSpecOf {
  const m = /^(?:tumbling:(\d+)|sliding:(\d+)\/(\d+))$/.exec(raw);
  if (m === null)
    throw new UsageError(`--window must be tumbling:SIZE or sliding:SIZE/SLIDE, got '${raw}'`);
  if (m[1] !== undefined) return { kind: 'tumbling', sizeMs: Number(m[1]) };
  return { kind: 'sliding', sizeMs: Number(m[2]), slideMs: Number(m[3]) };
}

function deliveryOf(flags: StreamFlags): 'at-least-once' | 'idempotent' | 'exactly-once' {
  if (flags.exactlyOnce === true && flags.idempotentSink === true)
    throw new UsageError('--exactly-once and --idempotent-sink are two deliveries: pick one');
  if (flags.exactlyOnce === true) return 'exactly-once';
  return flags.idempotentSink === true ? 'idempotent' : 'at-least-once';
}

async function streamCommand(flags: StreamFlags): Promise<number> {
  const workers = positive('--workers', flags.workers) as number;
  const top = positive('--top', flags.top) as number;
  const maxPending = positive('--max-pending', flags.maxPending) as number;
  const timeoutMs = positive('--timeout-ms', flags.timeoutMs) as number;
  const generate = positive('--generate', flags.generate);
  const killAt = count('--kill-at', flags.killAt);
  const mr = await import('../compute/mapreduce/index.js');
  const lib = await import('../compute/stream/index.js');
  const window =
    flags.window === undefined
      ? undefined
      : {
          window: windowSpec(flags.window),
          maxOutOfOrdernessMs: count('--max-out-of-order-ms', flags.maxOutOfOrderMs) as number,
          allowedLatenessMs: count('--allowed-lateness-ms', flags.allowedLatenessMs) as number,
        };
  if (generate !== undefined && window === undefined) mr.writeCorpus(flags.input, generate * 1024);
  if (generate !== undefined && window !== undefined) {
    // One record per 10 ms of event time, no more out of order than declared.
    const plain = `${flags.input}.plain`;
    mr.writeCorpus(plain, generate * 1024);
    const maxDisorderMs = window.maxOutOfOrdernessMs;
    await lib.writeTimedCorpus(plain, flags.input, { stepMs: 10, maxDisorderMs });
    fs.rmSync(plain, { force: true });
  }
  let killed: number | null = null;
  let run: ReturnType<typeof lib.runStream> | undefined;
  const delivery = deliveryOf(flags);
  const checkpointIntervalMs = positive(
    '--checkpoint-interval-ms',
    flags.checkpointIntervalMs,
  ) as number;
  const opts = { input: flags.input, workers, delivery, maxPending, timeoutMs };
  try {
    run = lib.runStream(
      { ...opts, checkpointIntervalMs, ...(window && { window }) },
      {
        onEmit(record, attempt, pid) {
          if (killed !== null || record !== killAt || attempt !== 1) return;
          killed = pid;
          process.kill(pid, 'SIGKILL');
        },
      },
    );
  } catch (error) {
    if (error instanceof lib.StreamError) throw new UsageError(error.message);
    throw error;
  }
  const result = await run;
  const expected = new Map(
    window === undefined
      ? mr.wordCountLocal(flags.input)
      : await lib.windowCountLocal(flags.input, window),
  );
  const got = new Map(result.counts);
  const missing = [...expected].filter(([w, n]) => (got.get(w) ?? 0) < n).length;
  const overcounted = [...expected].filter(([w, n]) => (got.get(w) ?? 0) > n).length;
  const ok = missing === 0 && (delivery === 'at-least-once' || overcounted === 0);
  const ranked = [...result.counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const summary = {
    delivery,
    exact: missing === 0 && overcounted === 0,
    wordsMissing: missing,
    wordsOvercounted: overcounted,
    ...result.stats,
    ...result.timings,
    killedPid: killed,
  };
  if (flags.json === true) {
    const doc = { ...summary, top: ranked.slice(0, top) };
    process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
  } else printStream(summary, ranked.slice(0, top), workers);
  return ok ? EXIT_OK : EXIT_CHECK_FAILED;
}

function printStream(
  s: Record<string, unknown>,
  ranked: readonly (readonly [string, number])[],
  workers: number,
): void {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(
    table(
      ['word', 'count'],
      ranked.map(([w, n]) => [w, String(n)]),
    ),
  );
  out('');
  out(
    `${s.records} records, ${workers} workers, ${s.delivery}: ${s.exact ? 'exact' : 'NOT exact'}`,
  );
  out(`emitted ${s.emitted}, replayed ${s.replayed}, worker failures ${s.workerFailures}`);
  out(`tuples ${s.tuples}, duplicates skipped ${s.duplicatesSkipped}, timed out ${s.timedOut}`);
  if (s.delivery === 'exactly-once')
    out(`checkpoints ${s.checkpoints}, restored from ${JSON.stringify(s.restores)}`);
  out(`total ${s.totalMs} ms, record latency p50 ${s.p50Ms} ms, p99 ${s.p99Ms} ms`);
}

async function actorsCommand(flags: ActorFlags): Promise<number> {
  const workers = positive('--workers', flags.workers) as number;
  const accounts = positive('--accounts', flags.accounts) as number;
  const transfers = count('--transfers', flags.transfers) as number;
  const seed = count('--seed', flags.seed) as number;
  const crashAt = count('--crash-at', flags.crashAt);
  const killAt = positive('--kill-at', flags.killAt);
  if (flags.mailbox !== 'redeliver' && flags.mailbox !== 'drop')
    throw new UsageError(`--mailbox must be redeliver or drop, got '${flags.mailbox}'`);
  const lib = await import('../compute/actors/index.js');
  let killed: number | null = null;
  let result: Awaited<ReturnType<typeof lib.runBank>>;
  try {
    const opts = {
      workers,
      accounts,
      transfers,
      seed,
      policy: { mailbox: flags.mailbox as 'redeliver' | 'drop' },
    };
    result = await lib.runBank(crashAt === undefined ? opts : { ...opts, crashAt }, {
      onProcessed(processed, pids) {
        if (processed !== killAt || killed !== null || pids[0] === undefined) return;
        killed = pids[0];
        process.kill(killed, 'SIGKILL');
      },
    });
  } catch (error) {
    if (error instanceof lib.ActorSystemError) throw new UsageError(error.message);
    throw error;
  }
  const { balances, expected, deadLetters, ...rest } = result;
  const ok = result.conserved && (result.exact || flags.mailbox === 'drop');
  if (flags.json === true) {
    const doc = { ...rest, balances, expected, deadLetters: deadLetters.length, killedPid: killed };
    process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    return ok ? EXIT_OK : EXIT_CHECK_FAILED;
  }
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const rows = balances.map((b, i) => [`account-${i}`, String(b), String(expected[i])]);
  out(table(['account', 'balance', 'expected'], rows));
  out('');
  out(
    `total ${result.total} of ${result.initialTotal}; lost in dead letters ${result.lostInDeadLetters}`,
  );
  out(
    `conserved: ${result.conserved ? 'yes' : 'NO'}, every balance exact: ${result.exact ? 'yes' : 'no'}`,
  );
  const s = result.stats;
  out(
    `${s.processed} messages processed, ${deadLetters.length} dead letters, ${s.restarts} actor restarts, ${s.nodeFailures} node failures, ${s.redelivered} redelivered, ${result.elapsedMs} ms`,
  );
  return ok ? EXIT_OK : EXIT_CHECK_FAILED;
}
