// Explanations of the clock family (logical clocks, behind Ricart–Agrawala in note 000 and
// ZAB's epochs): Lamport clocks and vector clocks. Data only; the shape is types.ts.

import type { Explanation } from './types.js';

export const clockExplanations: Readonly<Record<string, Explanation>> = {
  'clock/lamport': {
    what: {
      en: 'Machines have no common clock, yet the mutex and election algorithms need to say which request came first. A Lamport clock is a counter per node: it ticks on every local event and every send, each message carries the sender’s value, and a receiver jumps past it (max(own, received) + 1). The numbers then respect causality — if a can have influenced b, C(a) < C(b) — which is all “first come, first served” needs. The nodes here perform random local, send and receive events and stamp each.',
      zh: '各台计算机没有共同的时钟，而互斥和选举算法需要判断哪个请求在先。Lamport 逻辑时钟是每个节点一个计数器：每个本地事件和每次发送都加一，消息带上发送方的值，接收方跳到它之后（max(自己, 收到的) + 1）。这样得到的数字符合因果关系——若 a 可能影响 b，则 C(a) < C(b)——这正是“先到先得”所需要的。这里的节点随机执行本地、发送和接收事件，并给每个事件打上时间戳。',
    },
    invariants: {
      en: 'The clock condition: a → b implies C(a) < C(b), checked against the true happens-before the simulator records (a vector clock per step). The converse does not hold: C(a) < C(b) says nothing about causality — that is what vector clocks add.',
      zh: '时钟条件：a → b 蕴含 C(a) < C(b)，用模拟器记录的真实先后关系（每一步一个向量时钟）来检查。反过来不成立：C(a) < C(b) 并不说明因果关系——这正是向量时钟要补上的。',
    },
    faultModel: {
      en: 'Every fault. Loss, duplication and reordering cannot break the condition, because only a delivered message creates causality and a receive always moves past the stamp it read; the clock is durable, so events after a restart still follow the earlier ones.',
      zh: '容忍所有故障。丢包、重复和乱序都不会破坏时钟条件，因为只有送达的消息才产生因果关系，而接收总会跳过读到的时间戳；时钟持久化，所以重启后的事件仍排在之前的事件之后。',
    },
    messages: {
      en: 'One Stamp per send event: the clock rides on the application’s messages and costs one integer each.',
      zh: '每个发送事件一条 Stamp 消息：时钟搭载在应用消息上，每条只多一个整数。',
    },
    passage: {
      source: '000 分布式互斥 · 分布式算法',
      zh: '其中，请求消息需要包含所请求的资源、请求者的 ID，以及发起请求的时间。类似民主协商,在分布式领域中，我们称之为分布式算法，或者使用组播和逻辑时钟的算法。',
      en: 'The request must contain the resource requested, the requester’s ID and the time of the request. Like a democratic negotiation, in distributed systems we call it the distributed algorithm, or the algorithm using multicast and logical clocks.',
    },
  },
  'clock/vector': {
    what: {
      en: 'A vector clock keeps one counter per node: a node increments its own entry on each event, sends the whole vector, and a receiver takes the element-wise maximum before incrementing its own. Unlike a Lamport clock it characterises causality exactly: a happened before b if and only if V(a) < V(b), and two events whose vectors are incomparable are concurrent. Dynamo-style stores use this to tell a newer version from a conflicting sibling.',
      zh: '向量时钟为每个节点保存一个计数器：事件发生时节点把自己那一项加一，发送整个向量，接收方逐项取最大值后再把自己那一项加一。与 Lamport 时钟不同，它准确刻画因果关系：a 先于 b 当且仅当 V(a) < V(b)，向量不可比较的两个事件是并发的。Dynamo 类存储正是用它区分新版本与冲突的兄弟版本。',
    },
    invariants: {
      en: 'The clock condition in both directions: a → b ⇔ V(a) < V(b), checked against the simulator’s recorded happens-before for every pair of events.',
      zh: '双向的时钟条件：a → b ⇔ V(a) < V(b)，对每一对事件与模拟器记录的真实先后关系比对检查。',
    },
    faultModel: {
      en: 'Every fault: vectors are durable and merged only from delivered messages. During a partition every event across the cut is concurrent — and the vectors say so.',
      zh: '容忍所有故障：向量持久化，且只从送达的消息合并。网络分区期间，分区两侧的事件全都是并发的——向量也正是这样显示的。',
    },
    messages: {
      en: 'One Stamp per send event, carrying n integers: the exactness costs space linear in the cluster size.',
      zh: '每个发送事件一条 Stamp 消息，携带 n 个整数：精确性的代价是与集群规模成正比的空间。',
    },
    passage: {
      source: '003 分布式理论 · 一致性模型 · 弱一致性',
      zh: '因果一致性：如果进程A通知进程B它已更新了一个数据项，那么进程B的后续访问将返回更新后的值，且一次写入将保证取代前一次写入。与进程A无因果关系的进程C的访问遵守一般的最终一致性规则。',
      en: 'Causal consistency: if process A tells process B that it has updated a data item, B’s later accesses return the updated value, and a write is guaranteed to supersede the earlier one. Accesses by a process C with no causal relation to A follow the ordinary eventual-consistency rules.',
    },
  },
};
