// testing/volatile-lock's peer-input validation: every message its runs send parses as
// itself, broken ones are refused, and nothing makes the parser throw (fast-check).

import { describe, it } from 'vitest';
import { checkMessageParser, normalRuns } from '../../../../test/support/message-parser.js';
import { volatileLock } from './index.js';

describe('testing/volatile-lock message parser', () => {
  it('accepts every message of normal runs as is, refuses broken ones and never throws', () => {
    checkMessageParser(volatileLock, normalRuns(volatileLock), [
      'Acquire',
      'Grant',
      'Release',
      'ReleaseAck',
    ]);
  });
});
