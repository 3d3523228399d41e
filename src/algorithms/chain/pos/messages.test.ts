import { describe, it } from 'vitest';
import { checkMessageParser, normalRuns } from '../../../../test/support/message-parser.js';
import { pos } from './index.js';

describe('chain/pos message parser', () => {
  it('accepts every message of normal runs as is, refuses broken ones and never throws', () => {
    checkMessageParser(pos, normalRuns(pos), ['Block', 'GetBlock', 'BlockResponse']);
  });
});
