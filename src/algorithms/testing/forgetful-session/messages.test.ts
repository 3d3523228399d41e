// testing/forgetful-session's peer-input validation: every message its runs send parses as
// itself, broken ones are refused, and nothing makes the parser throw (fast-check).

import { describe, it } from 'vitest';
import { checkMessageParser, normalRuns } from '../../../../test/support/message-parser.js';
import { forgetfulSession } from './index.js';

describe('testing/forgetful-session message parser', () => {
  it('accepts every message of normal runs as is, refuses broken ones and never throws', () => {
    checkMessageParser(forgetfulSession, normalRuns(forgetfulSession), [
      'Open',
      'Opened',
      'Request',
      'Reply',
    ]);
  });
});
