// scheduling/monolithic's peer-input validation: every message of its runs parses as
// itself, broken ones are refused, and nothing makes the parser throw (fast-check).

import { describe, it } from 'vitest';
import { checkMessageParser, normalRuns } from '../../../../test/support/message-parser.js';
import { monolithic } from './index.js';

describe('scheduling/monolithic message parser', () => {
  it('accepts every message of normal runs as is, refuses broken ones and never throws', () => {
    checkMessageParser(monolithic, normalRuns(monolithic), [
      'Launch',
      'Launched',
      'Finished',
      'Heartbeat',
      'HeartbeatAck',
    ]);
  });
});
