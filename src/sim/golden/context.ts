// What the golden commands share within one file: the simulator the script is driving.

import type { Simulator } from '../simulator.js';
import type { Command } from './parse.js';

export interface GoldenContext {
  sim: Simulator | undefined;
}

/** Runs one command; returns lines to print after the command's trace records. */
export type CommandHandler = (ctx: GoldenContext, cmd: Command) => string[];

export function requireSim(ctx: GoldenContext): Simulator {
  if (ctx.sim === undefined) throw new Error('no nodes yet: run add-nodes first');
  return ctx.sim;
}

export function parseInt10(text: string | undefined, what: string): number {
  if (text === undefined || !/^-?\d+$/.test(text)) {
    throw new Error(
      `expected an integer for ${what}, got ${text === undefined ? 'nothing' : `'${text}'`}`,
    );
  }
  return Number(text);
}

/** The command's single positional node id, checked against the cluster size. */
export function nodeArg(ctx: GoldenContext, cmd: Command): number {
  const sim = requireSim(ctx);
  const id = parseInt10(cmd.args[0], `${cmd.name}'s node id`);
  if (id < 1 || id > sim.n) throw new Error(`no node ${id} (nodes are 1..${sim.n})`);
  return id;
}
