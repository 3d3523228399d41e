// A worker process for test/isolation-process.test.ts, served by the supervisor's protocol
// (src/reliability/isolate/worker-protocol.ts). Requests: {op:'pid'} answers its pid;
// {op:'hold', gate} answers its pid once the file `gate` exists (so the test can kill it
// while it holds requests); {op:'fail'} throws; {op:'crash'} exits with code 1. With
// --crash-on-start it exits before serving anything.

import fs from 'node:fs';
import { serveRequests } from '../../src/reliability/isolate/index.js';

interface Request {
  readonly op: 'pid' | 'hold' | 'fail' | 'crash';
  readonly gate?: string;
}

async function untilExists(file: string): Promise<void> {
  while (!fs.existsSync(file)) await new Promise((r) => setTimeout(r, 10));
}

if (process.argv.includes('--crash-on-start')) process.exit(3);

serveRequests(async (payload) => {
  const r = payload as Request;
  switch (r.op) {
    case 'pid':
      return process.pid;
    case 'hold':
      await untilExists(r.gate as string);
      return process.pid;
    case 'fail':
      throw new RangeError('asked to fail');
    case 'crash':
      process.exit(1);
  }
});
