import { describe, it } from 'vitest';
import { checkMessageParser, normalRuns } from '../../../../test/support/message-parser.js';
import { dpos } from './index.js';

describe('chain/dpos message parser', () => {
  it('accepts every message of normal runs as is, refuses broken ones and never throws', () => {
    checkMessageParser(dpos, normalRuns(dpos), ['Block', 'GetBlock', 'BlockResponse']);
  });
});
