// gossip/anti-entropy's peer-input validation (issue 14): every message its runs send parses
// as itself, broken ones are refused, and nothing makes the parser throw (fast-check).

import { describe, it } from 'vitest';
import { checkMessageParser, normalRuns } from '../../../../test/support/message-parser.js';
import { antiEntropy } from './index.js';

describe('gossip/anti-entropy message parser', () => {
  it('accepts every message of normal runs as is, refuses broken ones and never throws', () => {
    const crdts = ['gcounter', 'pncounter', 'lww'].map((crdt) => ({
      options: { crdt, writers: 3, updates: 3 },
    }));
    // Replicas are maps — node id → count (G-counters, `seen`), element → tags (OR-set):
    // an entry removed is a smaller replica, still well formed, not a broken message.
    const entries = [...['1', '2', '3', '4', '5'], ...['a', 'b', 'c', 'd'].map((e) => `adds.${e}`)];
    checkMessageParser(
      antiEntropy,
      normalRuns(antiEntropy, [...crdts, { options: { mode: 'pull' } }]),
      ['Push', 'Pull', 'Reply'],
      // An LWW value may be a string, a number or null.
      { lenient: [...entries.map((k) => `*.${k}`), '*.crdt.value'] },
    );
  });
});
