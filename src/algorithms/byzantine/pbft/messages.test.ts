import { describe, it } from 'vitest';
import { checkMessageParser, normalRuns } from '../../../../test/support/message-parser.js';
import { pbft } from './index.js';

describe('byzantine/pbft message parser', () => {
  it('accepts every message of normal runs as is, refuses broken ones and never throws', () => {
    // A NewView embeds the ViewChange and PrePrepare messages it proves with, `type` and all;
    // nothing reads the embedded `type`.
    const lenient = ['NewView.viewChanges.*.type', 'NewView.prePrepares.*.type'];
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
    checkMessageParser(pbft, normalRuns(pbft), types, { lenient });
  });
});
