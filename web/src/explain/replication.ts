// Explanations of the replication family (notes 001 §6 data replication, 003 CAP and
// consistency models): Dynamo-style quorums, primary-backup and chain replication. Data only;
// the shape is types.ts.

import type { Explanation } from './types.js';

export const replicationExplanations: Readonly<Record<string, Explanation>> = {
  'replication/quorum': {
    what: {
      en: 'Dynamo-style replication: each key lives on N replicas; a write waits for W acknowledgements and a read for R replies, so with R + W > N every read meets the latest acknowledged write. Versions carry vector clocks, and concurrent writes survive as siblings for the client to merge. Read repair writes newer versions back to stale replicas, and anti-entropy syncs replicas in the background. --sloppy trades consistency for availability: when the preferred replicas are unreachable the next healthy nodes stand in and hand their hinted writes back later — CAP made visible: strict refuses the minority (CP), sloppy accepts it (AP).',
      zh: 'Dynamo 式复制：每个键存放在 N 个副本上；写等待 W 个确认，读等待 R 个回复，当 R + W > N 时每次读都会遇到最新已确认的写。版本带有向量时钟，并发写作为兄弟版本保留，由客户端合并。读修复把新版本写回落后的副本，反熵在后台同步副本。--sloppy 以一致性换可用性：首选副本不可达时由后续健康节点代替，之后再把暗示写入（hinted handoff）交还——这就是可见的 CAP：严格法定人数拒绝少数派（CP），宽松法定人数接受它（AP）。',
    },
    invariants: {
      en: 'No safety invariant per step: quorums promise eventual consistency, and the client history is checked against that promise (with the other consistency models reported). Liveness: replicas converge after writes stop, and no acknowledged write is lost — which sloppy-without-handoff breaks.',
      zh: '没有逐步检查的安全不变式：法定人数承诺的是最终一致性，客户端历史按这个承诺检查（同时报告其他一致性模型）。活性：写入停止后副本收敛，且不丢失已确认的写——sloppy-without-handoff 场景打破了这一点。',
    },
    faultModel: {
      en: 'Every fault: a strict quorum refuses what it cannot reach a quorum for rather than diverge; a sloppy one accepts and relies on hinted handoff and anti-entropy to converge after the heal.',
      zh: '容忍所有故障：严格法定人数在凑不齐时拒绝请求而不是产生分歧；宽松法定人数接受请求，依靠暗示移交和反熵在恢复后收敛。',
    },
    messages: {
      en: 'No formula is declared: each operation sends to the key’s N replicas and waits for W or R replies; read repair and anti-entropy add traffic where replicas differ.',
      zh: '没有声明公式：每个操作发给键的 N 个副本，等待 W 或 R 个回复；副本不一致时读修复和反熵会增加流量。',
    },
    passage: {
      source: '003 分布式理论 · 一致性模型 · 共识选举；CAP · 权衡',
      zh: '基本思想：每次写都保证写入大于N/2个节点，每次读保证从大于N/2个节点中读。……为了保证一致性（CP），不能访问未同步完成的节点，也就失去了部分可用性；\n- 为了保证可用性（AP），允许读取所有节点的数据，但是数据可能不一致。',
      en: 'Basic idea: every write goes to more than N/2 nodes and every read reads from more than N/2 nodes. … To keep consistency (CP) you may not use nodes that have not finished syncing, losing some availability; to keep availability (AP) you allow reads from every node, but the data may be inconsistent.',
    },
  },
  'replication/primary-backup': {
    what: {
      en: 'One primary takes every write, applies it in order and ships it to the backups. Synchronous mode answers the client only once every backup has the entry — consistent, but one slow or dead backup blocks every write until the master removes it; asynchronous mode answers at once and ships in the background — fast, but a failover loses what was acknowledged and not yet shipped. A master pings the replicas, removes a silent one, and on a primary’s failure makes the most up-to-date live backup primary in a new epoch; replicas refuse a deposed primary’s messages (epoch fencing).',
      zh: '由一个主节点接受所有写，按顺序应用并复制到备节点。同步模式在所有备节点都有该条目后才回复客户端——一致，但一个慢或宕机的备节点会阻塞所有写，直到 master 将它移除；异步模式立即回复，在后台复制——快，但故障转移会丢失已确认却尚未复制的写。master 定期 ping 各副本，移除沉默的副本，主节点故障时让数据最新的存活备节点在新的 epoch 中成为主节点；副本拒绝被废黜的主节点发来的消息（epoch 隔离）。',
    },
    invariants: {
      en: 'Acknowledged entries agree: no two replicas hold different entries at a position a client was told is done. Sync mode promises linearizability, async only eventual consistency; liveness: replicas converge and no acknowledged write is lost (async-failover breaks it).',
      zh: '已确认的条目一致：客户端被告知完成的位置上，任何两个副本都不会有不同的条目。同步模式承诺线性一致性，异步模式只承诺最终一致性；活性：副本收敛且不丢失已确认的写（async-failover 场景打破了它）。',
    },
    faultModel: {
      en: 'Sync: every fault — epochs fence a primary that is cut off but still believes it leads. Async: only message faults; the primary never fails nor is suspected, since a failover loses the writes it had acknowledged but not shipped.',
      zh: '同步：容忍所有故障——epoch 隔离被切断却仍自认为是主的节点。异步：只容忍消息类故障；假设主节点从不故障也不被怀疑，因为故障转移会丢失它已确认但未复制的写。',
    },
    messages: {
      en: 'No formula is declared: each write is one Forward and one acknowledgement per backup, plus the master’s pings.',
      zh: '没有声明公式：每次写对每个备节点一条 Forward 和一条确认，另有 master 的 ping。',
    },
    passage: {
      source: '003 分布式理论 · 一致性模型 · 强一致性 · 主从同步',
      zh: '基本思想：主从同步复制：\n- Master 接受写请求\n- Master 复制日志至slave\n- Master 等待，直到所有从库返回\n\n存在的问题:一个节点失败，Master阻塞，导致整集群不可用，保证了一致性，可用性大大降低',
      en: 'Basic idea — synchronous master–slave replication: the Master accepts write requests; the Master copies its log to the slaves; the Master waits until every slave has answered. The problem: one node fails and the Master blocks, making the whole cluster unavailable; consistency is kept, availability drops sharply.',
    },
  },
  'replication/chain': {
    what: {
      en: 'Chain replication (van Renesse & Schneider) arranges the replicas in a line: writes enter at the head and flow down the chain, and the tail acknowledges them and answers every read. A write is acknowledged only when it has reached the tail, so every replica holds it, and reads at the tail see exactly the acknowledged writes — linearizable without a quorum. A master detects crashes and splices the chain: a failed head’s successor becomes head, a failed tail’s predecessor becomes tail, and a failed middle server’s predecessor resends what its new successor may lack. It goes beyond the notes’ replication section.',
      zh: '链式复制（van Renesse 与 Schneider）把副本排成一条链：写从链头进入并沿链传递，链尾确认写并回答所有读。写只有到达链尾才被确认，因此每个副本都有它，而在链尾读到的正好是已确认的写——不需要法定人数就能线性一致。master 检测崩溃并重接链：链头故障则其后继成为链头，链尾故障则其前驱成为链尾，中间节点故障时其前驱把新后继可能缺少的更新重发过去。它超出了笔记的数据复制一节。',
    },
    invariants: {
      en: 'Update propagation: each server’s history is a prefix of its predecessor’s (Hist_j ⪯ Hist_i for i before j); acknowledged entries agree; the history is checked for linearizability. Liveness: replicas converge and no acknowledged write is lost.',
      zh: '更新传播：每个服务器的历史都是其前驱历史的前缀（i 在 j 之前时 Hist_j ⪯ Hist_i）；已确认的条目一致；客户端历史检查线性一致性。活性：副本收敛且不丢失已确认的写。',
    },
    faultModel: {
      en: 'Fail-stop servers: the master detects every crash and suspects no live server — crashes, loss, duplication, reordering and delays up to 100 ms, but no partitions nor pauses. tail-cut-off steps outside: a tail cut off from the master only keeps answering reads and misses new writes — not linearizable.',
      zh: '失败即停止（fail-stop）的服务器：master 能检测每次崩溃且不会怀疑存活的服务器——容忍崩溃、丢包、重复、乱序和不超过 100 ms 的延迟，但不容忍分区和暂停。tail-cut-off 场景超出了模型：只与 master 断开的链尾仍在回答读请求，却错过了新的写——不再线性一致。',
    },
    messages: {
      en: 'No formula is declared: a write is a Request to the head, n − 1 Updates down the chain and Acks back up from the tail (so each server can forget what the tail holds), and a Reply from the tail; a read is a Request and Reply at the tail. The master’s pings come on top.',
      zh: '没有声明公式：一次写是发给链头的 Request、沿链传递的 n − 1 条 Update、从链尾向上回传的 Ack（让每个服务器可以丢弃链尾已有的更新），以及链尾的 Reply；一次读是与链尾的一次 Request 和 Reply。另有 master 的 ping。',
    },
    passage: {
      source: '003 分布式理论 · 一致性模型 · 强一致性',
      zh: '强一致性也称为原子一致性、线性一致性。强一致性可以理解为在任意时刻，所有节点中的数据是一样的。',
      en: 'Strong consistency is also called atomic consistency or linearizability. It can be understood as: at any moment, the data on all nodes is the same.',
    },
  },
};
