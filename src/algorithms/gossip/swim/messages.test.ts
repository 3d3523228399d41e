// gossip/swim's peer-input validation (issue 14): every message its runs send parses as
// itself, broken ones are refused, and nothing makes the parser throw (fast-check).

import { describe, it } from 'vitest';
import { checkMessageParser, normalRuns } from '../../../../test/support/message-parser.js';
import { swim } from './index.js';

describe('gossip/swim message parser', () => {
  it('accepts every message of normal runs as is, refuses broken ones and never throws', () => {
    checkMessageParser(swim, normalRuns(swim), ['Ping', 'PingReq', 'Ack']);
  });
});
