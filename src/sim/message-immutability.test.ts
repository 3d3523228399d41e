// A message is immutable once sent (simulator.ts `transmit`): a step that mutates what it
// shares with a message in flight fails loudly instead of changing what the receiver gets.

import { describe, expect, it } from 'vitest';
import type { Message, Output, Process } from '../core/process.js';
import { Simulator } from './simulator.js';

interface Batch extends Message {
  readonly items: number[];
}

function sharer(): Process<Batch, Output, { items: number[] }> {
  const state = { items: [1] };
  return {
    state,
    onStart(env) {
      if (env.id !== 1) return;
      env.send(2, { type: 'Batch', items: state.items });
      env.setTimer('grow', 1);
    },
    onMessage() {},
    onTimer() {
      state.items.push(2); // The array the message in flight holds.
    },
  };
}

describe('sim/messages', () => {
  it('a later step cannot change a message in flight', () => {
    const sim = new Simulator({ seed: 1, nodes: 2, create: sharer, defaultDelayMs: [50, 50] });
    sim.start();
    expect(() => sim.runUntil(10)).toThrow(TypeError);
  });
});
