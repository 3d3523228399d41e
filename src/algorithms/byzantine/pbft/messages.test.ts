import { describe, it } from 'vitest';
import { checkMessageParser, normalRuns } from '../../../../test/support/message-parser.js';
import { pbft } from './index.js';

describe('byzantine/pbft message parser', () => {
  it('accepts every message of normal runs as is, refuses broken ones and never throws', () => {
    // Certificates embed the PrePrepare, Prepare and ViewChange messages they are made of,
    // `type` and all; nothing reads an embedded `type`.
    const lenient = ['*.type'];
    const types = [
      'Request',
      'PrePrepare',
      'Prepare',
      'Commit',
      'Reply',
      'ViewChange',
      'NewView',
      'Status',
      'CommittedEntries',
    ];
    // A primary cut off after requests prepared: view changes carry prepared certificates.
    const runs = normalRuns(pbft, [
      { faults: 'crash 1 @200' },
      { faults: 'partition 1|2,3,4 @300..2000' },
    ]);
    checkMessageParser(pbft, runs, types, { lenient });
  });
});
