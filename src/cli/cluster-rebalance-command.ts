// `cohort cluster rebalance --nodes host:port,… [--dry-run] [--json]`: balance a running Redis
// Cluster's 16,384 slots over the listed masters (src/cluster/rebalance). Listed nodes that
// are not members yet are added; members not listed are drained. Prints the plan, then moves
// the slots live (progress on stderr, TTY only) unless --dry-run.
//
// Fault model: the flags are untrusted (a bad list is one line and exit 2); a server that
// refuses or fails mid-run is one line and exit 1, naming the slot and node.

import type { RebalanceResult } from '../cluster/rebalance/index.js';
import { progress, table } from './format.js';
import { EXIT_CHECK_FAILED, EXIT_OK, UsageError } from './usage-error.js';

export interface RebalanceFlags {
  readonly nodes?: string;
  readonly dryRun?: boolean;
  readonly json?: boolean;
}

function ranges(slots: readonly { start: number; end: number }[]): string {
  return slots.map((r) => (r.start === r.end ? `${r.start}` : `${r.start}-${r.end}`)).join(',');
}

function report(result: RebalanceResult, counts: ReadonlyMap<string, number>) {
  return {
    dryRun: !result.executed,
    added: result.added,
    drained: result.drained,
    moved: result.plan.moved,
    moves: result.plan.moves.map((m) => ({
      source: m.source,
      target: m.target,
      count: m.count,
      slots: ranges(m.slots),
    })),
    slots: Object.fromEntries(counts),
    keysMoved: result.keysMoved,
  };
}

function printText(doc: ReturnType<typeof report>): void {
  const lines: string[] = [];
  for (const a of doc.added) lines.push(`add ${a}`);
  for (const d of doc.drained) lines.push(`drain ${d}`);
  lines.push(`${doc.moved} slots to move`);
  if (doc.moves.length > 0)
    lines.push(
      table(
        ['source', 'target', 'slots', 'ranges'],
        doc.moves.map((m) => [m.source, m.target, String(m.count), m.slots]),
      ),
    );
  lines.push(
    table(
      ['master', 'slots after'],
      Object.entries(doc.slots).map(([m, c]) => [m, String(c)]),
    ),
  );
  lines.push(
    doc.dryRun ? 'dry run: nothing moved' : `moved ${doc.moved} slots, ${doc.keysMoved} keys`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}

export async function clusterRebalance(flags: RebalanceFlags): Promise<number> {
  const nodes = (flags.nodes ?? '').split(',').filter((n) => n !== '');
  if (nodes.length === 0) throw new UsageError('rebalance needs --nodes host:port,…');
  const lib = await import('../cluster/rebalance/index.js');
  try {
    for (const n of nodes) lib.parseAddress(n);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const bar = progress();
  try {
    const result = await lib.rebalance({
      nodes,
      dryRun: flags.dryRun === true,
      onProgress: (p) =>
        bar.update(`slot ${p.slot} ${p.source} → ${p.target}  ${p.done}/${p.total}`),
    });
    bar.done();
    const doc = report(result, lib.slotCounts(result.plan.after));
    if (flags.json === true) process.stdout.write(`${JSON.stringify(doc)}\n`);
    else printText(doc);
    return EXIT_OK;
  } catch (error) {
    bar.done();
    if (!(error instanceof lib.RebalanceError)) throw error;
    process.stderr.write(`cohort: ${error.message}\n`);
    return EXIT_CHECK_FAILED;
  }
}
