// `cohort compute pipeline`: the pipeline model (src/compute/pipeline) on a demo word count —
// the lines of --input through parse → transform → aggregate, the aggregate writing each
// line's counts to a store that takes --delay-ms per write, so it is the slow stage. Prints
// each stage's busy, blocked and idle time, service rate and throughput, each queue's
// occupancy, and the bottleneck it names; checks the totals against the single-process
// count (exit 1 on a mismatch). `--isolate` runs stages in worker processes of their own.
// The library loads only when the command runs.

import type { Command } from 'commander';
import { positive } from './compute-models-command.js';
import { table } from './format.js';
import { EXIT_CHECK_FAILED, EXIT_OK, type Exit, UsageError } from './usage-error.js';

interface PipelineFlags {
  input?: string;
  generate?: string;
  capacity: string;
  delayMs: string;
  concurrency?: string;
  isolate: string;
  json?: boolean;
}

const DEMO_STAGES = ['parse', 'transform', 'aggregate'] as const;

export function computePipelineCommandDef(group: Command, exit: Exit): void {
  group
    .command('pipeline')
    .description('a word-count pipeline, parse → transform → slow aggregate, with bounded queues')
    .option('--input <file>', 'the text to count, one item per line (default: a generated one)')
    .option('--generate <kb>', 'first write a generated corpus of this many KB (to --input)')
    .option('--capacity <n>', 'the bound of each queue between stages', '8')
    .option('--delay-ms <ms>', "the aggregate's store: milliseconds per write", '2')
    .option('--concurrency <list>', 'items a stage works on at once: stage=n,… (default 1 each)')
    .option('--isolate <list>', 'stages run in a worker process of their own, or none', 'aggregate')
    .option('--json', 'print one JSON document')
    .action(async (flags: PipelineFlags) => exit(await pipelineCommand(flags)));
}

function stageList(flag: string, raw: string): string[] {
  const names = raw === 'none' ? [] : raw.split(',').map((x) => x.trim());
  const bad = names.find((x) => !(DEMO_STAGES as readonly string[]).includes(x));
  if (bad !== undefined)
    throw new UsageError(`${flag}: no stage '${bad}' (stages: ${DEMO_STAGES.join(', ')})`);
  return names;
}

function concurrencyOf(raw: string | undefined): Map<string, number> {
  const out = new Map<string, number>();
  for (const part of raw === undefined ? [] : raw.split(',')) {
    const [name, n] = part.split('=').map((x) => x.trim());
    if (name === undefined || n === undefined)
      throw new UsageError(`--concurrency takes stage=n,…, got '${raw}'`);
    stageList('--concurrency', name);
    out.set(name, positive(`--concurrency ${name}`, n) as number);
  }
  return out;
}

async function pipelineCommand(flags: PipelineFlags): Promise<number> {
  const capacity = positive('--capacity', flags.capacity) as number;
  if (!/^\d+$/.test(flags.delayMs))
    throw new UsageError(`--delay-ms must be a non-negative integer, got '${flags.delayMs}'`);
  const concurrency = concurrencyOf(flags.concurrency);
  const isolated = new Set(stageList('--isolate', flags.isolate));
  const generate = positive('--generate', flags.generate);
  const fs = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const mr = await import('../compute/mapreduce/index.js');
  const lib = await import('../compute/pipeline/index.js');
  const scratch =
    flags.input === undefined ? fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-pipeline-')) : null;
  const input = flags.input ?? path.join(scratch as string, 'corpus.txt');
  try {
    if (generate !== undefined || scratch !== null) mr.writeCorpus(input, (generate ?? 64) * 1024);
    if (!fs.existsSync(input)) throw new UsageError(`cannot read the input ${input}`);
    const stages = DEMO_STAGES.map((name) => ({
      name,
      fn: name,
      concurrency: concurrency.get(name) ?? 1,
      isolation: isolated.has(name) ? ('process' as const) : ('inline' as const),
      options: name === 'aggregate' ? { delayMs: Number(flags.delayMs) } : {},
    }));
    let totals: [string, number][] = [];
    const source = lib.fileLines(input);
    const result = await lib.runPipeline({
      stages,
      source,
      capacity,
      onOutput: (item) => {
        totals = item as [string, number][];
      },
    });
    const expected = mr.wordCountLocal(input);
    const got = new Map(totals);
    const exact = got.size === expected.length && expected.every(([w, n]) => got.get(w) === n);
    if (flags.json === true)
      process.stdout.write(`${JSON.stringify({ ...result, exact }, null, 2)}\n`);
    else printPipeline(result, exact);
    return exact ? EXIT_OK : EXIT_CHECK_FAILED;
  } catch (error) {
    if (error instanceof lib.PipelineError) throw new UsageError(error.message);
    throw error;
  } finally {
    if (scratch !== null) fs.rmSync(scratch, { recursive: true, force: true });
  }
}

type Result = Awaited<ReturnType<typeof import('../compute/pipeline/index.js').runPipeline>>;

function printPipeline(r: Result, exact: boolean): void {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const stageRows = r.stages.map((s) => [
    s.name,
    s.isolation,
    String(s.concurrency),
    `${s.itemsIn} / ${s.itemsOut}`,
    String(Math.round(s.busyMs)),
    String(Math.round(s.blockedMs)),
    String(Math.round(s.idleMs)),
    s.utilization.toFixed(2),
    String(s.serviceRatePerSecond),
    String(s.throughputPerSecond),
  ]);
  const header = ['stage', 'runs', 'conc', 'in / out', 'busy ms', 'blocked ms', 'idle ms'];
  out(table([...header, 'util', 'service/s', 'through/s'], stageRows));
  out('');
  const queueRows = r.queues.map((q) => [
    q.name,
    String(q.capacity),
    String(q.maxOccupancy),
    q.meanOccupancy.toFixed(2),
    `${q.fullPuts} / ${q.puts}`,
  ]);
  out(table(['queue', 'capacity', 'max held', 'mean held', 'full puts'], queueRows));
  out('');
  const b = r.bottleneck;
  out(
    `${r.items} items in ${r.wallMs} ms: ${r.throughputPerSecond} items/s; bottleneck: ${b.stage} ` +
      `(utilization ${b.utilization.toFixed(2)}, serves ${b.serviceRatePerSecond} items/s)`,
  );
  out(`totals ${exact ? 'equal' : 'DIFFER FROM'} the single-process word count`);
}
