// etcd's member and cluster ids, computed as etcd computes them (membership/member.go
// NewMember and cluster.go genID), so a Cohort cluster started with the same names, peer
// URLs and --initial-cluster-token has the ids an etcd cluster would have: a member's id is
// the first 8 bytes (big-endian) of SHA-1 over its sorted peer URLs and the token; the
// cluster's is the same over its members' ids, ascending, 8 bytes each. A member added at
// runtime (MemberAdd) gets etcd's id for it: the same hash with no token and the Unix time
// in seconds appended (etcd's NewMember("", urls, "", &now)).
//
// A member's Raft id is derived from its peer URLs and the token too (the first 31 bits of
// its unsalted id, never 0), so a member joining with --initial-cluster-state existing
// knows every member's Raft id from --initial-cluster alone, as `etcdctl member add` prints
// it. Data directories written before dynamic membership keep positional ids (serve.ts).

import { createHash } from 'node:crypto';

export function memberId(peerUrls: readonly string[], token: string): bigint {
  const hash = createHash('sha1')
    .update([...peerUrls].sort().join('') + token)
    .digest();
  return hash.readBigUInt64BE(0);
}

export function clusterId(memberIds: readonly bigint[]): bigint {
  const sorted = [...memberIds].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const bytes = Buffer.alloc(8 * sorted.length);
  for (const [i, id] of sorted.entries()) bytes.writeBigUInt64BE(id, 8 * i);
  return createHash('sha1').update(bytes).digest().readBigUInt64BE(0);
}

export function addedMemberId(peerUrls: readonly string[], nowMs: number): bigint {
  return memberId(peerUrls, String(Math.floor(nowMs / 1000)));
}

export function raftIdOf(peerUrls: readonly string[], token: string): number {
  return Number(memberId(peerUrls, token) >> 33n) || 1;
}
