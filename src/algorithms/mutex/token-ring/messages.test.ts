// mutex/token-ring's peer-input validation (issue 14): every message its runs send parses as
// itself, broken ones are refused, and nothing makes the parser throw (fast-check).

import { describe, it } from 'vitest';
import { checkMessageParser, normalRuns } from '../../../../test/support/message-parser.js';
import { tokenRing } from './index.js';

describe('mutex/token-ring message parser', () => {
  it('accepts every message of normal runs as is, refuses broken ones and never throws', () => {
    // A Prepare's `holding` is a stamp or null: null is not a broken stamp.
    checkMessageParser(
      tokenRing,
      normalRuns(tokenRing, [
        // Seeds whose random plans make regenerations refused, withdrawn and tokens rejected.
        {
          seed: 3,
          faults:
            'partition 1,4,5|2,3 @1054..1357; crash 2 @1208; restart 2 @1742; block 1,2,3,5->4 @445..1414',
        },
        {
          seed: 17,
          faults: 'drop 0.2 @0..1800; delay 1..17 @0..1800; crash 2 @6; restart 2 @1526',
        },
        {
          seed: 20,
          faults:
            'delay 1..48 @0..1800; block 1,3->2,4,5 @271..1211; crash 3 @1269; restart 3 @1800',
        },
      ]),
      [
        'Token',
        'TokenAck',
        'TokenReject',
        'Probe',
        'ProbeReply',
        'Prepare',
        'Promise',
        'Withdraw',
        'Refuse',
      ],
      { lenient: ['Prepare.holding'] },
    );
  });
});
