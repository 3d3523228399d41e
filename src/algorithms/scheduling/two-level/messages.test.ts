// scheduling/two-level's peer-input validation: every message of its runs parses as
// itself, broken ones are refused, and nothing makes the parser throw (fast-check).

import { describe, it } from 'vitest';
import { checkMessageParser, normalRuns } from '../../../../test/support/message-parser.js';
import { twoLevel } from './index.js';

describe('scheduling/two-level message parser', () => {
  it('accepts every message of normal runs as is, refuses broken ones and never throws', () => {
    checkMessageParser(twoLevel, normalRuns(twoLevel), [
      'Launch',
      'Launched',
      'Finished',
      'Hungry',
      'Offer',
      'Accept',
      'Rescind',
      'TaskLost',
      'TaskFinished',
      'Heartbeat',
      'HeartbeatAck',
      'Reconcile',
    ]);
  });
});
