// locks/znode-queue's peer-input validation: every message its runs send parses as itself,
// broken ones are refused, and nothing makes the parser throw (fast-check).

import { describe, it } from 'vitest';
import { checkMessageParser, normalRuns } from '../../../../test/support/message-parser.js';
import { znodeQueue } from './index.js';

describe('locks/znode-queue message parser', () => {
  it('accepts every message of normal runs as is, refuses broken ones and never throws', () => {
    checkMessageParser(znodeQueue, normalRuns(znodeQueue), [
      'Ping',
      'Pong',
      'Create',
      'Created',
      'Check',
      'CheckReply',
      'Notify',
      'Delete',
      'Deleted',
    ]);
  });
});
