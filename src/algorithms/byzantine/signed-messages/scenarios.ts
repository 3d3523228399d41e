// Named runs of byzantine/signed-messages: 3 generals agree where OM cannot (a two-faced
// commander; a traitor lieutenant that cannot forge), SM(2) with colluding traitors, and one
// traitor too many.

import type { Scenario } from '../../../core/algorithm.js';

export const signedMessagesScenarios: readonly Scenario[] = [
  {
    name: 'three-generals',
    description:
      'Paper §4: 3 generals, a two-faced commander. Each lieutenant relays the signed ' +
      'order it got, both see {attack, retreat} and retreat: IC1 holds where OM fails.',
    faults: '',
    nodes: 3,
    options: { m: 1, traitors: [1], strategy: 'lie-half' },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'three-generals-traitor-lieutenant',
    description:
      'Paper Fig. 1 with signatures: lieutenant 3 cannot forge "retreat" under the loyal ' +
      "commander's name, so lieutenant 2 attacks (IC2 holds).",
    faults: '',
    nodes: 3,
    options: { m: 1, traitors: [3], strategy: 'invert' },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'four-generals-two-traitors',
    description: 'SM(2), commander and lieutenant 2 colluding at random: agreement holds.',
    faults: '',
    nodes: 4,
    options: { m: 2, traitors: [1, 2], strategy: 'random' },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'too-many-traitors',
    description:
      'SM(1) with 2 colluding traitors: the commander orders attack, lieutenant 3 signs ' +
      '"retreat" with the commander\'s key and shows it only to 4 in the last round; 4 ' +
      'cannot relay it (m+1 signatures), so 2 attacks and 4 retreats. SM(2) would catch it.',
    faults: '',
    nodes: 4,
    options: { m: 1, traitors: [1, 3], strategy: 'random' },
    expect: { safety: 'violated', liveness: 'hold' },
  },
];
