import { describe, it } from 'vitest';
import { checkMessageParser, normalRuns } from '../../../../test/support/message-parser.js';
import { zab } from './index.js';

describe('consensus/zab message parser', () => {
  it('accepts every message of normal runs as is, refuses broken ones and never throws', () => {
    checkMessageParser(zab, normalRuns(zab), [
      'Notification',
      'FollowerInfo',
      'LeaderInfo',
      'AckEpoch',
      'Ping',
      'PingAck',
      'SyncRequest',
      'NewLeader',
      'AckNewLeader',
      'Proposal',
      'Ack',
      'Commit',
      'Forward',
    ]);
  });
});
