// etcd's Cluster service: MemberList (the roster with what each member published; an added
// member that has not started shows with an empty name and no client URLs, as in etcd),
// MemberAdd, MemberRemove, MemberUpdate and MemberPromote through membership.ts (Raft's
// single-server changes beside the replicated roster), with etcd's errors and messages.
// Responses carry etcd's cluster header (cluster id, member id, raft term; no revision).
//
// Fault model: requests are untrusted (URLs are parsed as etcd parses them, ids are int64
// strings); a change that fails half-way is finished or undone as membership.ts says.

import type { Logger } from 'pino';
import type { RosterMember } from '../cluster-state.js';
import { EtcdError } from '../errors.js';
import type { EtcdServer, MemberInfo } from '../etcd-server.js';
import type { Membership } from '../membership.js';
import { big, long, type Wire } from '../wire.js';
import { type Unary, unary } from './call.js';

function toWire(m: MemberInfo): Wire {
  return {
    ID: long(m.id),
    name: m.name,
    peerURLs: m.peerUrls,
    clientURLs: m.clientUrls,
    isLearner: m.isLearner === true,
  };
}

function rosterToWire(m: RosterMember): Wire {
  return {
    ID: long(m.ID),
    name: m.name,
    peerURLs: m.peerURLs,
    clientURLs: m.clientURLs,
    isLearner: m.isLearner,
  };
}

/** etcd's ClusterServer.header(): no revision. */
function header(server: EtcdServer): Wire {
  const { revision: _, ...rest } = server.header(0) as Wire & { revision?: unknown };
  return rest;
}

function urls(w: Wire): string[] {
  const list = w.peerURLs;
  return Array.isArray(list) ? list.filter((u): u is string => typeof u === 'string') : [];
}

export function clusterService(server: EtcdServer, log: Logger): Record<string, Unary> {
  const membership = (): Membership => {
    const m = server.o.membership;
    if (m === undefined) throw new EtcdError('stopped');
    return m;
  };
  const list = (members: readonly RosterMember[]) => members.map(rosterToWire);
  return {
    MemberList: unary(log, () => ({
      header: header(server),
      // By id, as etcd's cluster lists its members.
      members: [...server.members()]
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
        .map(toWire),
    })),
    MemberAdd: unary(log, async (w) => {
      const { member, members } = await membership().add(urls(w), w.isLearner === true);
      return { header: header(server), member: rosterToWire(member), members: list(members) };
    }),
    MemberRemove: unary(log, async (w) => ({
      header: header(server),
      members: list(await membership().remove(big(w.ID))),
    })),
    MemberUpdate: unary(log, async (w) => ({
      header: header(server),
      members: list(await membership().update(big(w.ID), urls(w))),
    })),
    MemberPromote: unary(log, async (w) => ({
      header: header(server),
      members: list(await membership().promote(big(w.ID))),
    })),
  };
}
