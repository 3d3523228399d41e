// Cohort's server under faults (issue 16, "Faults"): three `cohort serve` members, clients
// writing and reading through cohort/client and a watcher following every key, while the
// leader is SIGKILLed (and later restarted) and then frozen (SIGSTOP, as a partition looks
// from outside) and thawed. Afterwards: the clients' history is linearizable (so no
// acknowledged write was lost or reordered), and the watcher saw every revision in order,
// exactly once.
//
// Fault model exercised: crash of the leader, a leader that stops answering; clients that
// fail over between endpoints. A write whose answer was lost is recorded as indeterminate
// ('info'), as a Jepsen history does.

import { afterEach, describe, it } from 'vitest';
import type { Client } from '../src/client/index.js';
import { CohortServer } from './support/cohort-server.js';
import { leaderIndex, moreAcked, startLoad } from './support/fault-history.js';

let server: CohortServer | undefined;
const clients: Client[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await server?.stop();
  server = undefined;
});

describe('cohort serve under faults', () => {
  it('stays linearizable and keeps watchers whole through a killed and a frozen leader', async () => {
    server = await CohortServer.start({ members: 3 });
    const { each, progress, finish } = await startLoad(server.endpoints, clients);
    await moreAcked(progress, 'before any fault');
    const first = await leaderIndex(each);
    await server.stopMember(first, 'SIGKILL');
    await moreAcked(progress, 'with the leader killed');
    await server.startMember(first);
    await moreAcked(progress, 'with the killed member back');
    const second = await leaderIndex(each);
    server.pauseMember(second);
    await moreAcked(progress, 'with the leader frozen');
    server.resumeMember(second);
    await moreAcked(progress, 'after the thaw');
    await finish();
  }, 150_000);
});
