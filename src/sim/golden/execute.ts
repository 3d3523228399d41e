// Runs a parsed golden file's commands in order against one fresh context and returns each
// block's actual output. Browser-safe (no file access) so the Lab could replay scripts too.

import { renderRecord } from '../trace.js';
import { commands } from './commands/index.js';
import type { GoldenContext } from './context.js';
import type { Block, GoldenFile } from './parse.js';

function runBlock(ctx: GoldenContext, block: Block): string {
  const before = ctx.sim?.trace.records.length ?? 0;
  const lines: string[] = [];
  try {
    const handler = commands[block.command.name];
    if (handler === undefined) throw new Error(`unknown command '${block.command.name}'`);
    lines.push(...handler(ctx, block.command));
  } catch (error) {
    // Errors are output too, so a script can pin down how a bad step is refused.
    lines.push(`error: ${error instanceof Error ? error.message : String(error)}`);
  }
  // add-nodes creates the simulator, so its start records count from zero.
  const start = ctx.sim === undefined ? 0 : Math.min(before, ctx.sim.trace.records.length);
  const records = ctx.sim?.trace.records.slice(start) ?? [];
  const out = [...records.map(renderRecord), ...lines];
  return out.length === 0 ? 'ok' : out.join('\n');
}

export function executeGolden(file: GoldenFile): string[] {
  const ctx: GoldenContext = { sim: undefined };
  return file.blocks.map((block) => runBlock(ctx, block));
}
