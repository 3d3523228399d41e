// Explanations of the consensus family (notes 001 §2.3, 003 一致性协议, 004 Paxos/Raft/ZAB):
// single-decree Paxos, Multi-Paxos, Raft and ZAB. Data only; the shape is types.ts.

import type { Explanation } from './types.js';

export const consensusExplanations: Readonly<Record<string, Explanation>> = {
  'consensus/paxos': {
    what: {
      en: 'Single-decree Paxos makes a group agree on one value although any node may crash and any message may be lost. A proposer picks a proposal number n and sends Prepare(n); an acceptor promises to ignore lower numbers and reports the highest-numbered proposal it has already accepted. With promises from a majority the proposer sends Accept(n, v) — where v must be the value of the highest accepted proposal reported, or its own if none — and a value is chosen once a majority has accepted it in one ballot; learners hear Chosen. The note’s worked example lets acceptors report what they promised instead of what they accepted: variant seed-notes runs that model, and two values get chosen.',
      zh: '单值 Paxos 让一组节点对一个值达成一致，即使任何节点可能崩溃、任何消息可能丢失。提议者（Proposer）选一个序号 n 发送 Prepare(n)；接受者（Acceptor）承诺不再接受更小的序号，并报告自己已经接受过的序号最大的提议。收到多数派的承诺后，提议者发送 Accept(n, v)——v 必须取报告中序号最大的已接受提议的值，没有才用自己的值——一个值被多数派在同一轮中接受即被选定，告知者（Learner）收到 Chosen。笔记的例子让接受者报告自己承诺过的提议而不是接受过的提议：变体 seed-notes 运行这个模型，结果选出了两个不同的值。',
    },
    invariants: {
      en: 'One value chosen, never a second (one-value-chosen, chosen-value-stable); an acceptor never accepts below its promise (accept-respects-promise); learners agree. Any two majorities share an acceptor, and phase 1 makes every later ballot carry the value a majority may already have accepted.',
      zh: '只有一个值被选定，之后不会再选另一个（one-value-chosen、chosen-value-stable）；接受者从不接受低于其承诺的序号（accept-respects-promise）；告知者的结果一致。任意两个多数派共享一个接受者，而第一阶段让之后的每一轮都沿用多数派可能已接受的值。',
    },
    faultModel: {
      en: 'Every fault for safety: promises and acceptances are durable and the round counter survives a restart. Progress needs a majority of acceptors up and connected, and duelling proposers are ended by randomized backoff — with three of five acceptors down nothing can ever be chosen.',
      zh: '对所有故障都保证安全：承诺和接受都持久化，轮次计数器在重启后保留。推进需要多数接受者存活且互通，多个提议者互相抢占时靠随机退避结束——五个接受者中三个宕机，就永远选不出值。',
    },
    messages: {
      en: 'One uncontested ballot: 4 per remote acceptor (Prepare, Promise, Accept, Accepted) + n−1 Chosen = 5(n−1) when every node is an acceptor.',
      zh: '一次无竞争的轮次：每个远程接受者 4 条（Prepare、Promise、Accept、Accepted），加 n−1 条 Chosen；所有节点都是接受者时共 5(n−1) 条。',
    },
    passage: {
      source: '003 一致性协议/算法 · Paxos',
      zh: '用于达成共识性问题，即对多个节点产生的值，该算法能保证只选出唯一一个值。……当一个 Proposer 接收到超过一半 Acceptor 的 Prepare 响应时，就可以发送 Accept 请求。',
      en: 'It solves consensus: of the values several nodes propose, the algorithm guarantees that exactly one is chosen. … When a Proposer has received Prepare responses from more than half the Acceptors, it may send Accept requests.',
    },
  },
  'consensus/multi-paxos': {
    what: {
      en: 'A replicated key-value log built from a Paxos instance per slot. A stable leader runs phase 1 once for all future slots, then only phase 2 per command — as cheap as a primary–backup scheme while a leader lasts. A new leader’s phase 1 learns every slot a majority may have accepted, re-proposes those values and fills gaps with no-ops, so the log has no holes. Followers detect a silent leader by heartbeats; clients retry commands that did not complete.',
      zh: '由每个日志槽位一个 Paxos 实例构成的复制键值日志。稳定的领导者只为之后所有槽位执行一次第一阶段，之后每条命令只走第二阶段——领导者稳定时开销与主备复制相当。新领导者的第一阶段会得知多数派可能已接受的每个槽位，重新提议这些值并用空操作（no-op）填补空隙，所以日志没有空洞。跟随者通过心跳发现领导者沉默；未完成的命令由客户端重试。',
    },
    invariants: {
      en: 'One command per slot; an accept respects the promise; replicas learn only chosen commands; and the log order linearizes the clients’ history — each command takes effect once, between its invocation and its reply.',
      zh: '每个槽位只有一条命令；接受遵守承诺；副本只学习已选定的命令；日志顺序使客户端历史可线性化——每条命令只生效一次，且发生在调用和回复之间。',
    },
    faultModel: {
      en: 'Every fault for safety; progress needs a majority connected. A minority side cannot commit, and with three of five nodes down no slot can be chosen any more.',
      zh: '对所有故障都保证安全；推进需要多数派互通。少数派一侧无法提交，五个节点中三个宕机后任何槽位都无法再选定。',
    },
    messages: {
      en: '2(n−1) Prepare + Promise per leadership, then 2(n−1) Accept + Accepted per slot; heartbeats, Request/Reply and catch-up are not counted.',
      zh: '每任领导者 2(n−1) 条 Prepare + Promise，之后每个槽位 2(n−1) 条 Accept + Accepted；心跳、Request/Reply 和追赶不计。',
    },
    passage: {
      source: '004 二、选举算法分类 · 3.Paxos算法',
      zh: 'Paxos算法是要在一堆消息中通过选举，使得消息的接收者或者执行者能达成一致，按照一致的消息顺序来执行。',
      en: 'Paxos chooses among a pile of messages by election, so that their receivers or executors agree and execute them in one agreed order.',
    },
  },
  'consensus/raft': {
    what: {
      en: 'Raft replicates a log of client commands (here a key-value store) through an elected leader. Election as in election/raft — terms (任期), one vote per term, randomized timeouts, pre-vote — but a node votes only for a candidate whose log is at least as up to date as its own. Clients send writes to the leader, which appends them to its log and sends AppendEntries; an entry is committed once a majority stores it, then applied and acknowledged, and followers that fall behind are caught up (or sent a snapshot). Reads go through ReadIndex or a leader lease, membership changes one server at a time. Click a server to see its term, vote, log (committed entries filled) and commitIndex.',
      zh: 'Raft 通过选出的领导者复制客户端命令的日志（这里是一个键值存储）。选举与 election/raft 相同——任期、每个任期一票、随机超时、预投票——但节点只投给日志至少和自己一样新的候选者。客户端把写请求发给领导者，领导者追加到日志并发送 AppendEntries；多数节点保存后条目即提交，随后应用并回复客户端，落后的跟随者会被补齐（或收到快照）。读请求走 ReadIndex 或领导者租约，成员变更一次一台。点击一个服务器可查看它的任期、投票、日志（已提交条目为实心）和 commitIndex。',
    },
    invariants: {
      en: 'The paper’s five properties plus one: election safety (one leader per term), leader append-only, log matching (same index and term ⇒ same prefix), leader completeness (a committed entry is in every later leader’s log), state-machine safety (no two servers apply different commands at one index), and learners never lead. The client history is also checked for linearizability.',
      zh: '论文的五条性质再加一条：选举安全（每个任期一个领导者）、领导者只追加、日志匹配（索引和任期相同则之前的日志相同）、领导者完整性（已提交的条目出现在之后每个领导者的日志中）、状态机安全（不会有两个服务器在同一索引应用不同命令），以及学习者（learner）从不当选。客户端历史还会检查线性一致性。',
    },
    faultModel: {
      en: 'Every fault for safety: term, vote and log are durable before the messages that rely on them. Lease reads additionally assume clocks drift apart by at most --clock-drift-ppm. Progress needs a majority of servers connected: three of five down and nothing more commits; a stale leader cut off with a minority steps down by check-quorum.',
      zh: '对所有故障都保证安全：任期、选票和日志在依赖它们的消息发出前已持久化。租约读另外假设时钟漂移不超过 --clock-drift-ppm。推进需要多数服务器互通：五台中三台宕机就无法再提交；与少数派一起被隔离的旧领导者会通过 check-quorum 主动下台。',
    },
    messages: {
      en: 'No fixed formula is declared: each write costs an AppendEntries and its reply per follower when sent alone, fewer with batching and pipelining; heartbeats run at n−1 per interval.',
      zh: '没有声明固定公式：单独发送时每次写入对每个跟随者一条 AppendEntries 和一条回复，批量和流水线时更少；心跳每个周期 n−1 条。',
    },
    passage: {
      source: '004 4.Raft分布式选举算法 · 2.Raft 算法数据同步流程',
      zh: '第一步，由客户端提交数据到Leader节点。……第二步，由Leader节点把数据复制到集群内所有的Follower节点。如果一次复制失败，会不断进行重试。……第四步，如果Leader节点接收到超过半数的Follower反馈，表明复制成功。于是提交自己的数据，并通知客户端数据提交成功。',
      en: 'Step one: the client submits data to the Leader. … Step two: the Leader replicates the data to every Follower in the cluster; a failed replication is retried again and again. … Step four: once the Leader has acknowledgements from more than half the Followers, replication has succeeded; it commits its data and tells the client the data is committed.',
    },
  },
  'consensus/zab': {
    what: {
      en: 'ZooKeeper Atomic Broadcast: one leader turns each write into a proposal with a zxid — (epoch, counter) — sends it to the followers, and commits it once a quorum has acknowledged, strictly in zxid order; followers forward writes to the leader. After a crash the protocol runs its phases again: fast leader election picks the server with the newest history, discovery fixes a new epoch, and synchronization makes a quorum hold everything from earlier epochs before the new leader proposes anything. Observers learn every operation without voting.',
      zh: 'ZooKeeper 原子广播：唯一的领导者把每个写请求转换成带 zxid——(epoch, 计数器)——的事务 Proposal，分发给跟随者，收到过半确认后按 zxid 顺序严格提交；跟随者把写请求转发给领导者。崩溃后协议重新经历各阶段：快速领导者选举选出历史最新的服务器，发现阶段确定新的 epoch，同步阶段让过半服务器拥有之前所有 epoch 的事务，然后新领导者才提出新的提议。Observer 学习每个操作，但不投票。',
    },
    invariants: {
      en: 'At most one leader per epoch; integrity (only proposed operations are delivered); agreement and total order (servers deliver the same operations in the same order); primary order (a leader’s operations in the order it proposed them, earlier epochs first); one transaction per zxid.',
      zh: '每个 epoch 至多一个领导者；完整性（只交付被提议过的操作）；一致与全序（各服务器以相同顺序交付相同的操作）；主序（按领导者提议的顺序交付，先前 epoch 的在前）；每个 zxid 只对应一个事务。',
    },
    faultModel: {
      en: 'Every fault: the log and epochs are durable, and a leader that loses its quorum of pings stops. A minority side stops; after healing it re-synchronizes with the new epoch. Weights and observers change who counts toward a quorum.',
      zh: '容忍所有故障：日志和 epoch 持久化，失去过半心跳的领导者会停止服务。少数派一侧停止；网络恢复后与新的 epoch 重新同步。权重和 Observer 决定谁计入法定人数。',
    },
    messages: {
      en: '3(n−1) per operation: a Proposal, an Ack and a Commit per learner; re-sends extra.',
      zh: '每个操作 3(n−1) 条：每个学习者一条 Proposal、一条 Ack、一条 Commit；重发另计。',
    },
    passage: {
      source: '004 三、Zookeeper的ZAB协议 · 2.ZAB协议实现原理',
      zh: 'Leader服务器负责将一个客户端事务请求转换成一个事务Proposal（提议），并将该Proposal分发给集群中所有的Follower服务器。之后Leader服务器需要等待所有Follower服务器的反馈信息，一旦超过半数的Follower服务器进行了正确的反馈后，那么Leader就会再次向所有的Follower服务器分发Commit消息，要求其将前一个Proposal进行提交。',
      en: 'The Leader turns a client’s transaction request into a transaction Proposal and sends it to every Follower in the cluster. It then waits for the Followers’ feedback; once more than half of them have answered correctly, the Leader sends every Follower a Commit message asking it to commit that Proposal.',
    },
  },
};
