// txn/3pc's peer-input validation: every message its runs send parses as itself, broken
// ones are refused and nothing makes the parser throw.

import { describe, it } from 'vitest';
import { checkMessageParser, normalRuns } from '../../../../test/support/message-parser.js';
import { threePc } from './index.js';

describe('txn/3pc message parser', () => {
  it('accepts every message of normal runs as is, refuses broken ones and never throws', () => {
    checkMessageParser(threePc, normalRuns(threePc), [
      'CanCommit',
      'Vote',
      'PreCommit',
      'Ack',
      'DoCommit',
      'Abort',
      'HaveCommitted',
    ]);
  });
});
