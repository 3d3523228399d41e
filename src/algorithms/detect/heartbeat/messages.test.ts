// detect/heartbeat's peer-input validation: every message its runs send parses as itself,
// broken ones are refused, and nothing makes the parser throw (fast-check).

import { describe, it } from 'vitest';
import { checkMessageParser, normalRuns } from '../../../../test/support/message-parser.js';
import { heartbeat } from './index.js';

describe('detect/heartbeat message parser', () => {
  it('accepts every message of normal runs as is, refuses broken ones and never throws', () => {
    checkMessageParser(heartbeat, normalRuns(heartbeat), ['Heartbeat']);
  });
});
