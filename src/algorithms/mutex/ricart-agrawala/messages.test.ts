// mutex/ricart-agrawala's peer-input validation (issue 14): every message its runs send parses as
// itself, broken ones are refused, and nothing makes the parser throw (fast-check).

import { describe, it } from 'vitest';
import { checkMessageParser, normalRuns } from '../../../../test/support/message-parser.js';
import { ricartAgrawala } from './index.js';

describe('mutex/ricart-agrawala message parser', () => {
  it('accepts every message of normal runs as is, refuses broken ones and never throws', () => {
    // OK carries the replier's file only in HDFS mode (the hdfs-replicated-file scenario).
    checkMessageParser(
      ricartAgrawala,
      normalRuns(ricartAgrawala),
      ['Request', 'OK', 'Heartbeat', 'Update', 'UpdateAck'],
      { lenient: ['OK.file'] },
    );
  });
});
