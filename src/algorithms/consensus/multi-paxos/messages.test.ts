import { describe, it } from 'vitest';
import { checkMessageParser, normalRuns } from '../../../../test/support/message-parser.js';
import { multiPaxos } from './index.js';

describe('consensus/multi-paxos message parser', () => {
  it('accepts every message of normal runs as is, refuses broken ones and never throws', () => {
    checkMessageParser(multiPaxos, normalRuns(multiPaxos), [
      'Prepare',
      'Promise',
      'Accept',
      'Accepted',
      'Nack',
      'Heartbeat',
      'CatchUp',
      'Chosen',
      'Request',
      'Reply',
    ]);
  });
});
