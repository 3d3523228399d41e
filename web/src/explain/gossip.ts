// Explanations of the gossip family (note 003 Gossip and weak consistency): anti-entropy
// spreading a CRDT, and SWIM membership. Data only; the shape is types.ts.

import type { Explanation } from './types.js';

export const gossipExplanations: Readonly<Record<string, Explanation>> = {
  'gossip/anti-entropy': {
    what: {
      en: 'Gossip spreads state without a centre: every round each node picks --fanout random peers and pushes its state, pulls theirs, or both. An update reaches everyone in O(log N) rounds — push-pull fastest — and nodes may join, crash or be cut off without stopping the spread. The replicated state is a CRDT (counter, OR-set or last-writer-wins register) whose merge is commutative, associative and idempotent, so duplicated, reordered and repeated exchanges are harmless and replicas converge to the same value: eventual consistency.',
      zh: 'Gossip 无需中心节点即可传播状态：每一轮每个节点随机挑选 --fanout 个对等节点，推送自己的状态、拉取对方的状态，或两者兼有。一次更新在 O(log N) 轮内传遍全网——推拉结合最快——节点加入、崩溃或被隔离都不会阻止传播。复制的状态是 CRDT（计数器、OR-set 或最后写入者胜的寄存器），其合并满足交换律、结合律和幂等性，所以重复、乱序和反复的交换都无害，副本最终收敛到同一个值：最终一致性。',
    },
    invariants: {
      en: 'Merges never lose an acknowledged update: a replica’s state only grows in the CRDT’s order. Liveness: after faults heal every live node holds the same replica.',
      zh: '合并从不丢失已确认的更新：副本状态只会沿着 CRDT 的偏序增长。活性：故障平息后每个存活节点持有相同的副本。',
    },
    faultModel: {
      en: 'Every fault: replicas are durable, and a lost exchange is just one fewer contact in a round. Half the messages lost only slows the spread; a partition lets each side converge on its own writes and merge after the heal.',
      zh: '容忍所有故障：副本持久化，丢失一次交换只是这一轮少联系了一个节点。丢一半消息只会减慢传播；分区时两侧各自收敛，恢复后再合并。',
    },
    messages: {
      en: 'n · fanout Pushes or Pulls per round, plus Replies only where a peer is behind — redundant by design, the cost the notes name.',
      zh: '每轮 n · fanout 条 Push 或 Pull，只有对方落后时才有 Reply——冗余是设计使然，也就是笔记所说的代价。',
    },
    passage: {
      source: '003 一致性协议/算法 · Gossip · 优点',
      zh: '去中心化：Gossip 协议不要求任何中心节点，所有节点都可以是对等的，任何一个节点无需知道整个网络状况，只要网络是连通的，任意一个节点就可以把消息散播到全网。\n- 一致性收敛：Gossip 协议中的消息会以一传十、十传百一样的指数级速度在网络中快速传播，因此系统状态的不一致可以在很快的时间内收敛到一致。消息传播速度达到了 logN。',
      en: 'Decentralised: Gossip needs no central node; all nodes can be peers, none needs to know the whole network, and as long as the network is connected any node can spread a message to all. Convergence: messages spread exponentially, one telling ten and ten telling a hundred, so inconsistencies converge quickly; the spread takes log N.',
    },
  },
  'gossip/swim': {
    what: {
      en: 'SWIM keeps a membership list without heartbeats to everyone: each period a member probes one other member in round-robin order with a Ping; without an Ack in time it asks k others to probe it indirectly (PingReq), so one bad link does not condemn a healthy member. A member that still does not answer is suspected, not declared dead; it can refute by raising its incarnation number, and only an unrefuted suspicion is confirmed. Updates ride on the pings (piggybacking), so the load per member is constant whatever the size. --lifeguard adds local health awareness so a slow member doubts itself before it accuses others.',
      zh: 'SWIM 维护成员列表而不向所有人发心跳：每个周期，成员按轮转顺序向另一个成员发 Ping；未及时收到 Ack 就请 k 个其他成员间接探测（PingReq），所以一条坏链路不会冤枉健康的成员。仍不回复的成员先被怀疑，而不是直接判死；它可以提高自己的化身号（incarnation）来反驳，只有未被反驳的怀疑才会被确认。成员变更搭载在 Ping 上传播（捎带），所以每个成员的负载与集群规模无关。--lifeguard 加入本地健康感知，让慢的成员先怀疑自己再指责别人。',
    },
    invariants: {
      en: 'Safety: the outputs report every member declared failed or alive again. Liveness: strong completeness — every crashed member is held failed by every live member — and eventual accuracy: after faults heal no live member holds a live member failed or suspect.',
      zh: '安全：输出报告每个被宣告失败或重新存活的成员。活性：强完整性——每个崩溃的成员被每个存活成员认定失败——以及最终准确性：故障平息后没有存活成员认为另一个存活成员失败或可疑。',
    },
    faultModel: {
      en: 'Every fault. Loss makes false suspicions, which refutation mostly cancels (compare lossy-no-suspicion with lossy-suspicion); after a partition, reconnect probes carry the confirmations across, the members refute and all rejoin.',
      zh: '容忍所有故障。丢包会造成误判，反驳机制能消除其中大部分（对比 lossy-no-suspicion 与 lossy-suspicion 场景）；分区恢复后，重连探测把确认消息带到对面，成员反驳后全部重新加入。',
    },
    messages: {
      en: 'One Ping and one Ack per member per period without loss — constant load (SWIM §3.1); PingReq and its relays only after a failed direct probe.',
      zh: '无丢包时每个成员每个周期一条 Ping 和一条 Ack——恒定负载（SWIM §3.1）；只有直接探测失败时才有 PingReq 及其转发。',
    },
    passage: {
      source: '003 一致性协议/算法 · Gossip · 优点',
      zh: '容错：网络中任何节点的宕机和重启都不会影响 Gossip 消息的传播，Gossip 协议具有天然的分布式系统容错特性。',
      en: 'Fault tolerance: no node crashing or restarting affects the spread of Gossip messages; the Gossip protocol is naturally fault tolerant.',
    },
  },
};
