import { describe, it } from 'vitest';
import { checkMessageParser, normalRuns } from '../../../../test/support/message-parser.js';
import { oralMessages } from './index.js';

describe('byzantine/oral-messages message parser', () => {
  it('accepts every message of normal runs as is, refuses broken ones and never throws', () => {
    checkMessageParser(oralMessages, normalRuns(oralMessages), ['Order']);
  });
});
