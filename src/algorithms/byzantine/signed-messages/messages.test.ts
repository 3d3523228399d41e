import { describe, it } from 'vitest';
import { checkMessageParser, normalRuns } from '../../../../test/support/message-parser.js';
import { signedMessages } from './index.js';

describe('byzantine/signed-messages message parser', () => {
  it('accepts every message of normal runs as is, refuses broken ones and never throws', () => {
    checkMessageParser(signedMessages, normalRuns(signedMessages), ['SignedOrder']);
  });
});
