// etcd's member and cluster ids, computed as etcd computes them (membership/member.go
// NewMember and cluster.go genID), so a Cohort cluster started with the same names, peer
// URLs and --initial-cluster-token has the ids an etcd cluster would have: a member's id is
// the first 8 bytes (big-endian) of SHA-1 over its sorted peer URLs and the token; the
// cluster's is the same over its members' ids, ascending, 8 bytes each.

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
