import { describe, it } from 'vitest';
import { checkMessageParser, normalRuns } from '../../../../test/support/message-parser.js';
import { paxos } from './index.js';

describe('consensus/paxos message parser', () => {
  it('accepts every message of normal runs as is, refuses broken ones and never throws', () => {
    const runs = normalRuns(paxos, [{ seed: 2, faults: 'crash 3 @5; restart 3 @900' }]);
    checkMessageParser(paxos, runs, [
      'Prepare',
      'Promise',
      'Nack',
      'Accept',
      'Accepted',
      'Chosen',
      'LearnRequest',
    ]);
  });
});
