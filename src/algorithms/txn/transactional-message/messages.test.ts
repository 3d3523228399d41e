// txn/transactional-message's peer-input validation: every message its runs send parses as
// itself, broken ones are refused, nothing makes the parser throw, and order ids outside
// the workload and check-back answers other than commit/rollback/unknown are refused.

import { describe, expect, it } from 'vitest';
import { checkMessageParser, normalRuns } from '../../../../test/support/message-parser.js';
import { nodeIds } from '../../../core/process.js';
import { resolveOptions } from '../../../sim/run.js';
import { transactionalMessage } from './index.js';

describe('txn/transactional-message message parser', () => {
  it('accepts every message of normal runs as is, refuses broken ones and never throws', () => {
    checkMessageParser(transactionalMessage, normalRuns(transactionalMessage), [
      'Half',
      'HalfAck',
      'Commit',
      'Rollback',
      'CheckBack',
      'CheckBackReply',
      'Deliver',
      'Ack',
    ]);
  });

  it('refuses order ids outside 1..transactions and unknown check-back answers', () => {
    const options = resolveOptions(transactionalMessage);
    const ctx = { nodes: nodeIds(4), options, seed: 1 };
    const parse = (raw: unknown) => transactionalMessage.parseMessage?.(raw, ctx);
    expect(parse({ type: 'Deliver', txn: 5 })).toBeDefined();
    for (const txn of [0, 6, -1, 1.5, 2 ** 60, '1', null])
      expect(parse({ type: 'Half', txn })).toBeUndefined();
    for (const state of ['commit', 'rollback', 'unknown'])
      expect(parse({ type: 'CheckBackReply', txn: 1, state })).toBeDefined();
    for (const state of ['abort', 'COMMIT', '', 1, undefined])
      expect(parse({ type: 'CheckBackReply', txn: 1, state })).toBeUndefined();
  });
});
