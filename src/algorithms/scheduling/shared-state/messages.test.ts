// scheduling/shared-state's peer-input validation: every message of its runs parses as
// itself, broken ones are refused, and nothing makes the parser throw (fast-check).

import { describe, it } from 'vitest';
import { checkMessageParser, normalRuns } from '../../../../test/support/message-parser.js';
import { sharedState } from './index.js';

describe('scheduling/shared-state message parser', () => {
  it('accepts every message of normal runs as is, refuses broken ones and never throws', () => {
    checkMessageParser(sharedState, normalRuns(sharedState), [
      'Launch',
      'Launched',
      'Finished',
      'Usage',
      'Heartbeat',
      'HeartbeatAck',
    ]);
  });
});
