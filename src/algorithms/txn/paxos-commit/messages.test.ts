// txn/paxos-commit's peer-input validation: every message its runs send parses as itself,
// broken ones are refused, nothing makes the parser throw, and RM ids and accepted lists
// outside the run's layout are refused.

import { describe, expect, it } from 'vitest';
import { checkMessageParser, normalRuns } from '../../../../test/support/message-parser.js';
import { nodeIds } from '../../../core/process.js';
import { resolveOptions } from '../../../sim/run.js';
import { paxosCommit } from './index.js';

describe('txn/paxos-commit message parser', () => {
  it('accepts every message of normal runs as is, refuses broken ones and never throws', () => {
    checkMessageParser(paxosCommit, normalRuns(paxosCommit), [
      'Prepare',
      'Phase1a',
      'Phase1b',
      'Phase2a',
      'Phase2b',
      'Commit',
      'Abort',
      'Ack',
    ]);
  });

  it('refuses RM ids outside 2..N+1 and accepted lists longer than N', () => {
    const ctx = { nodes: nodeIds(8), options: resolveOptions(paxosCommit), seed: 1 };
    const parse = (raw: unknown) => paxosCommit.parseMessage?.(raw, ctx);
    const vote = { type: 'Phase2a', txn: 1, rm: 4, ballot: 0, value: 'prepared' };
    expect(parse(vote)).toBeDefined();
    expect(parse({ ...vote, rm: 5 })).toBeUndefined();
    expect(parse({ ...vote, rm: 1 })).toBeUndefined();
    const a = { rm: 2, ballot: 0, value: 'aborted' };
    const p1b = { type: 'Phase1b', txn: 1, ballot: 9, ok: true, promised: 9, accepted: [a] };
    expect(parse(p1b)).toBeDefined();
    expect(parse({ ...p1b, accepted: [a, a, a, a] })).toBeUndefined();
  });
});
