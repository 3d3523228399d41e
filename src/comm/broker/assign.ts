// Partition assignment for a consumer group in partitioned mode (Kafka's two classic
// assignors, computed by the broker): each partition of a subscribed topic goes to exactly one
// member that subscribes to that topic.
// - range: per topic, members sorted by id; the partitions split into contiguous ranges, the
//   first (partitions mod members) members one partition more (Kafka's RangeAssignor).
// - round-robin: every (topic, partition) pair in sorted order is dealt in turn to the next
//   member, in sorted order, that subscribes to its topic (Kafka's RoundRobinAssignor).
// Pure and deterministic: the same members and topics give the same assignment.

export type Assignor = 'range' | 'round-robin';

export interface AssignMember {
  readonly id: string;
  readonly topics: readonly string[];
}

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

const byId = (a: AssignMember, b: AssignMember) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Member id → partitions it owns, for `partitions` (topic → partition count). */
export function assign(
  assignor: Assignor,
  members: readonly AssignMember[],
  partitions: ReadonlyMap<string, number>,
): Map<string, TopicPartition[]> {
  const sorted = [...members].sort(byId);
  const out = new Map<string, TopicPartition[]>(sorted.map((m) => [m.id, []]));
  const topics = [...partitions.keys()].sort();
  if (assignor === 'range') {
    for (const topic of topics) {
      const subs = sorted.filter((m) => m.topics.includes(topic));
      if (subs.length === 0) continue;
      const n = partitions.get(topic) as number;
      const each = Math.floor(n / subs.length);
      const extra = n % subs.length;
      let p = 0;
      subs.forEach((m, i) => {
        const take = each + (i < extra ? 1 : 0);
        for (let j = 0; j < take; j++) out.get(m.id)?.push({ topic, partition: p++ });
      });
    }
    return out;
  }
  let turn = 0;
  for (const topic of topics) {
    const n = partitions.get(topic) as number;
    for (let partition = 0; partition < n; partition++) {
      // The next member in turn that subscribes to this topic (none: the pair stays unowned).
      for (let tries = 0; tries < sorted.length; tries++) {
        const m = sorted[turn % sorted.length] as AssignMember;
        turn += 1;
        if (m.topics.includes(topic)) {
          out.get(m.id)?.push({ topic, partition });
          break;
        }
      }
    }
  }
  return out;
}
