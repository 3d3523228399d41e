// `cohort compute mapreduce`: a real MapReduce run (src/compute/mapreduce) — a master and
// --workers forked worker processes over --input — printing the most frequent words (all
// of them with --output FILE, one "word count" per line), the phase timings and the task
// counts, or one JSON document with --json. `--kill-at map:K|reduce:K` SIGKILLs the worker
// handed that task, to watch re-execution give the same answer. The library loads only
// when the command runs.

import type { Command } from 'commander';
import { computeModelsCommandDef, positive } from './compute-models-command.js';
import { computePipelineCommandDef } from './compute-pipeline-command.js';
import { table } from './format.js';
import { EXIT_OK, type Exit, UsageError } from './usage-error.js';

const COMPUTE_HELP = `
Examples:
  cohort compute mapreduce --workers 4 --input corpus.txt
  cohort compute mapreduce --workers 3 --input corpus.txt --kill-at map:2 --json
  cohort compute mapreduce --generate 64 --input /tmp/corpus.txt --workers 2
  cohort compute stream --workers 3 --input corpus.txt --kill-at 100 --exactly-once
  cohort compute actors --workers 3 --kill-at 500 --crash-at 200
  cohort compute pipeline --delay-ms 2 --concurrency transform=2 --isolate aggregate --json`;

interface MapReduceFlags {
  workers: string;
  input: string;
  splits?: string;
  reducers?: string;
  top: string;
  output?: string;
  killAt?: string;
  generate?: string;
  json?: boolean;
}

export function computeCommandDef(root: Command, exit: Exit): void {
  const group = root
    .command('compute')
    .description('computation models run as real processes: MapReduce, stream, actors, pipeline')
    .addHelpText('after', COMPUTE_HELP);
  group
    .command('mapreduce')
    .description('word count by a MapReduce master and worker processes')
    .requiredOption('--workers <n>', 'worker processes')
    .requiredOption('--input <file>', 'the text to count the words of')
    .option('--splits <m>', 'map tasks (default 4 per worker)')
    .option('--reducers <r>', 'reduce tasks (default one per worker)')
    .option('--top <k>', 'words to print, most frequent first', '20')
    .option('--output <file>', 'write every word and its count here')
    .option('--kill-at <task>', 'SIGKILL the worker handed this task: map:K or reduce:K')
    .option('--generate <mb>', 'first write a generated corpus of this many MB to --input')
    .option('--json', 'print one JSON document')
    .addHelpText('after', COMPUTE_HELP)
    .action(async (flags: MapReduceFlags) => exit(await mapReduceCommand(flags)));
  computeModelsCommandDef(group, exit);
  computePipelineCommandDef(group, exit);
}

function killTarget(raw: string | undefined): { kind: 'map' | 'reduce'; task: number } | null {
  if (raw === undefined) return null;
  const m = /^(map|reduce):(\d+)$/.exec(raw);
  if (m === null) throw new UsageError(`--kill-at must be map:K or reduce:K, got '${raw}'`);
  return { kind: m[1] as 'map' | 'reduce', task: Number(m[2]) };
}

export async function mapReduceCommand(flags: MapReduceFlags): Promise<number> {
  const workers = positive('--workers', flags.workers) as number;
  const top = positive('--top', flags.top) as number;
  const splits = positive('--splits', flags.splits);
  const reducers = positive('--reducers', flags.reducers);
  const generate = positive('--generate', flags.generate);
  const kill = killTarget(flags.killAt);
  const lib = await import('../compute/mapreduce/index.js');
  if (generate !== undefined) lib.writeCorpus(flags.input, generate * 1024 * 1024);
  let killed: number | null = null;
  const hooks = {
    onAssign(kind: 'map' | 'reduce', task: number, pid: number) {
      if (kill === null || killed !== null || kind !== kill.kind || task !== kill.task) return;
      killed = pid;
      process.kill(pid, 'SIGKILL');
    },
  };
  let result: Awaited<ReturnType<typeof lib.runMapReduce>>;
  try {
    const opts = {
      input: flags.input,
      workers,
      ...(splits && { splits }),
      ...(reducers && { reducers }),
    };
    result = await lib.runMapReduce(opts, hooks);
  } catch (error) {
    if (error instanceof lib.MapReduceError) throw new UsageError(error.message);
    throw error;
  }
  const counts = result.output as readonly (readonly [string, number])[];
  if (flags.output !== undefined) {
    const fs = await import('node:fs');
    fs.writeFileSync(flags.output, counts.map(([w, n]) => `${w} ${n}\n`).join(''));
  }
  const ranked = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, top);
  const words = counts.reduce((sum, [, n]) => sum + n, 0);
  const summary = {
    words,
    distinct: counts.length,
    ...result.timings,
    ...result.stats,
    killedPid: killed,
  };
  if (flags.json === true) {
    process.stdout.write(`${JSON.stringify({ ...summary, top: ranked }, null, 2)}\n`);
    return EXIT_OK;
  }
  const out = (s: string) => process.stdout.write(`${s}\n`);
  out(
    table(
      ['word', 'count'],
      ranked.map(([w, n]) => [w, String(n)]),
    ),
  );
  out('');
  out(`${words} words, ${counts.length} distinct; ${workers} workers`);
  out(
    `map ${result.timings.mapMs} ms, reduce ${result.timings.reduceMs} ms, total ${result.timings.totalMs} ms`,
  );
  const s = result.stats;
  out(
    `map runs ${s.mapRuns}/${s.mapTasks}, reduce runs ${s.reduceRuns}/${s.reduceTasks}, worker failures ${s.workerFailures}`,
  );
  return EXIT_OK;
}
