// Named runs of byzantine/oral-messages: the paper's figures (3 generals cannot agree, 4 can
// with one traitor either way), OM(2) with 7 generals, and one traitor too many.

import type { Scenario } from '../../../core/algorithm.js';

export const oralMessagesScenarios: readonly Scenario[] = [
  {
    name: 'three-generals',
    description:
      'Paper Fig. 1: 3 generals, lieutenant 3 a traitor. Lieutenant 2 hears "attack" from ' +
      'the loyal commander and "he said retreat" from 3: no majority, so it retreats (IC2).',
    faults: '',
    nodes: 3,
    options: { m: 1, traitors: [3], strategy: 'invert' },
    expect: { safety: 'violated', liveness: 'hold' },
  },
  {
    name: 'four-generals-traitor-commander',
    description: 'Paper Fig. 4: OM(1) with a traitor commander lying to half: IC1 holds.',
    faults: '',
    nodes: 4,
    options: { m: 1, traitors: [1], strategy: 'lie-half' },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'four-generals-traitor-lieutenant',
    description: 'Paper Fig. 3: OM(1), lieutenant 3 inverts what it relays: IC1 and IC2 hold.',
    faults: '',
    nodes: 4,
    options: { m: 1, traitors: [3], strategy: 'invert' },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'seven-generals-two-traitors',
    description: 'OM(2) with 7 generals, the commander and lieutenant 3 lying at random.',
    faults: '',
    nodes: 7,
    options: { m: 2, traitors: [1, 3], strategy: 'random' },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'too-many-traitors',
    description: 'OM(1) with 4 generals but 2 traitors (more than m): lieutenant 4 is outvoted.',
    faults: '',
    nodes: 4,
    options: { m: 1, traitors: [2, 3], strategy: 'invert' },
    expect: { safety: 'violated', liveness: 'hold' },
  },
];
