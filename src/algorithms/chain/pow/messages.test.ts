import { describe, it } from 'vitest';
import { checkMessageParser, normalRuns } from '../../../../test/support/message-parser.js';
import { pow } from './index.js';

describe('chain/pow message parser', () => {
  it('accepts every message of normal runs as is, refuses broken ones and never throws', () => {
    checkMessageParser(pow, normalRuns(pow), ['Block', 'GetBlock', 'BlockResponse']);
  });
});
