// txn/2pc's peer-input validation: every message its runs send parses as itself, broken
// ones are refused, nothing makes the parser throw, and transaction ids outside the
// workload are refused.

import { describe, expect, it } from 'vitest';
import { checkMessageParser, normalRuns } from '../../../../test/support/message-parser.js';
import { nodeIds } from '../../../core/process.js';
import { resolveOptions } from '../../../sim/run.js';
import { twoPc } from './index.js';

describe('txn/2pc message parser', () => {
  it('accepts every message of normal runs as is, refuses broken ones and never throws', () => {
    checkMessageParser(twoPc, normalRuns(twoPc), [
      'CanCommit',
      'Vote',
      'DoCommit',
      'DoAbort',
      'HaveCommitted',
      'DecisionRequest',
    ]);
  });

  it('refuses transaction ids outside 1..transactions and votes other than yes/no', () => {
    const ctx = { nodes: nodeIds(4), options: resolveOptions(twoPc), seed: 1 };
    const parse = (raw: unknown) => twoPc.parseMessage?.(raw, ctx);
    expect(parse({ type: 'CanCommit', txn: 5 })).toBeDefined();
    for (const txn of [0, 6, -1, 1.5, 2 ** 60, '1'])
      expect(parse({ type: 'DoCommit', txn })).toBeUndefined();
    expect(parse({ type: 'Vote', txn: 1, vote: 'maybe' })).toBeUndefined();
  });
});
