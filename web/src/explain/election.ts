// Explanations of the election family (leader election, notes 000, 001 §2.2, 002, 004): Bully,
// the simplest max-id election, the ring election, ZooKeeper's fast leader election and
// Raft's election alone. Data only; the shape is types.ts.

import type { Explanation } from './types.js';

const AGREE_EN =
  'Once the network is whole and faults have healed, every live node follows one live leader';
const AGREE_ZH = '网络恢复、故障平息之后，每个存活节点都追随同一个存活的领导者';

export const electionExplanations: Readonly<Record<string, Explanation>> = {
  'election/bully': {
    what: {
      en: '“The eldest is the greatest”: the live node with the largest id becomes the leader (主节点). A node that finds itself the largest live id broadcasts Victory; otherwise it sends Election to every larger id and waits. No Alive within the timeout — it wins and broadcasts Victory; an Alive — a larger node took over, so it waits for that node’s Victory. A node that receives Election from a smaller id answers Alive and starts its own election. Fast and simple, but it needs every node to know every id, and a recovering largest node takes over again, so a flapping node causes frequent leader changes. MongoDB used the last-op timestamp as the id.',
      zh: '“长者为大”：在所有活着的节点中，ID 最大的节点成为主节点（领导者）。节点判断自己是活着的节点中 ID 最大的，就直接发送 Victory 宣誓主权；否则向所有 ID 更大的节点发送 Election 并等待。超时没有收到 Alive——自己获胜并发送 Victory；收到 Alive——更大的节点接管了选举，于是等待它的 Victory。收到更小 ID 的 Election 时回复 Alive，并发起自己的选举。选举快、简单，但每个节点都要知道全部 ID，而且 ID 最大的节点恢复后会重新切主，频繁退出和加入会导致频繁切主。MongoDB 用最后操作时间戳作为 ID。',
    },
    invariants: {
      en: `Bully promises no safety under partitions — the split-brain scenario elects a leader on each side. It promises who wins: ${AGREE_EN.toLowerCase()}, and that leader is the highest-ranked live node.`,
      zh: `Bully 在网络分区下不保证安全——脑裂场景中两侧各选出一个主节点。它保证的是谁获胜：${AGREE_ZH}，且该领导者是排名最高的存活节点。`,
    },
    faultModel: {
      en: 'It claims every fault for its liveness promise once faults heal; safety (one leader) is not promised while a partition lasts, and the timeouts assume a node that does not answer is dead.',
      zh: '故障平息后，对所有故障都保证其活性承诺；网络分区持续期间不保证只有一个主节点，超时机制假设不回复的节点已经故障。',
    },
    messages: {
      en: 'n² − 1 for one election started by the lowest id: n(n−1)/2 Elections and as many Alives, and n−1 Victories. Started by the largest live id it is just n−1 Victories.',
      zh: '由最小 ID 发起的一次选举共 n² − 1 条：n(n−1)/2 条 Election、同样多的 Alive、n−1 条 Victory。若由最大的存活 ID 发起，只需 n−1 条 Victory。',
    },
    passage: {
      source: '000 分布式选举 · Bully 算法',
      zh: '集群中每个节点判断自己的 ID 是否为当前活着的节点中 ID 最大的，如果是，则直接向其他节点发送 Victory 消息，宣誓自己的主权；',
      en: 'Each node checks whether its ID is the largest among the live nodes; if so, it sends the others a Victory message straight away, declaring its sovereignty;',
    },
  },
  'election/max-id': {
    what: {
      en: 'The simplest election of note 004: every node broadcasts its id (or any priority — IP address, cores, memory, a serial number); a node that sees a larger id drops out, and the largest remains leader. One round, n(n−1) messages, no timeouts or recovery. The notes warn it ignores failures: a node temporarily absent during the round misses it, so a smaller id can win and the result is never revisited.',
      zh: '笔记 004 里最简单的选举：每个节点组播自己的 ID（或任何优先级——IP 地址、CPU 核数、内存、自定义序列号）；看到更大 ID 的节点退出竞争，最大的那个成为 Leader。一轮、n(n−1) 条消息，没有超时也没有恢复。笔记警告它没有考虑异常：选举时临时脱离集群的机器会错过这一轮，序列号较小的机器可能当选，而且选举结果不会再被质疑。',
    },
    invariants: {
      en: `No safety invariant of its own; the liveness checks: ${AGREE_EN.toLowerCase()}, and the highest-ranked live node leads.`,
      zh: `自身没有安全不变式；活性检查：${AGREE_ZH}，且排名最高的存活节点当选。`,
    },
    faultModel: {
      en: 'Only delay, duplication, reordering and drift, with delays under 40 ms: every node must take part in the one round and every Id must arrive within it. A crash, loss or partition is outside the model.',
      zh: '只容忍延迟、重复、乱序和时钟漂移，且延迟小于 40 ms：每个节点都必须参与这一轮，每个 ID 都必须在这一轮内送达。崩溃、丢包和分区都在模型之外。',
    },
    messages: {
      en: 'n(n−1): every node broadcasts its id once.',
      zh: 'n(n−1) 条：每个节点广播一次自己的 ID。',
    },
    passage: {
      source: '004 二、选举算法分类 · 1.最简单的选举算法',
      zh: '以自定义序列号作为优先级，如果接收到的自定义序列号比本地自定义序列号大，则退出竞争，最终选择一台自定义序列号最大的服务器作为Leader服务器，其他服务器则作为普通服务器。这种简单的选举算法没有考虑到选举过程中的异常情况，选举产生后不会再对选举结果有异议，这样可能会出现序列号较小的机器被选定为Master节点（有机器临时脱离集群）',
      en: 'With a custom serial number as the priority, a server that receives a serial number larger than its own drops out, and finally the server with the largest serial number is chosen as Leader, the others becoming ordinary servers. This simple election ignores failures during the election and never questions its result, so a machine with a smaller serial number may be chosen as Master (when a machine is temporarily away from the cluster).',
    },
  },
  'election/ring': {
    what: {
      en: 'Nodes sit on a ring. A node that notices the coordinator (协作者) is dead sends ELECTION with its id to its successor, skipping crashed successors; each node appends its own id and passes it on. When the initiator sees its id come back, the list holds every live node: it turns the message into COORDINATOR — the largest id in the list, and the ring’s members — and sends it round once. Several concurrent elections all converge on the same largest id.',
      zh: '节点排成一个环。注意到协作者不工作的节点构造带有自己进程号的 ELECTION 消息发给后继者，跳过崩溃的后继；每个节点把自己的进程号加到列表中再传下去。发起者看到自己的进程号回来时，列表中就是所有存活的节点：它把消息变成 COORDINATOR——列表中最大的进程号和新环的成员——再绕环一周。多个同时进行的选举最终都收敛到同一个最大进程号。',
    },
    invariants: {
      en: `No safety invariant of its own; the liveness checks: ${AGREE_EN.toLowerCase()}, and the highest-ranked live node leads — the largest id any complete lap collected.`,
      zh: `自身没有安全不变式；活性检查：${AGREE_ZH}，且排名最高的存活节点当选——即完整一圈收集到的最大进程号。`,
    },
    faultModel: {
      en: 'Every fault for the liveness promise: hops are acknowledged and a dead successor is skipped, so crashes, loss and partitions delay the result until they heal.',
      zh: '对所有故障都保证活性承诺：每一跳都有确认，崩溃的后继会被跳过，所以崩溃、丢包和分区只会把结果推迟到它们平息之后。',
    },
    messages: {
      en: '2n for one initiator: n ELECTION hops and n COORDINATOR hops; acknowledgements apart.',
      zh: '单个发起者 2n 条：n 跳 ELECTION 和 n 跳 COORDINATOR；确认另计。',
    },
    passage: {
      source: '004 二、选举算法分类 · 环算法',
      zh: '当任何一个进程注意到协作者不工作时，它就构造一个带有它自己的进程号的ELECTION消息，并将该消息发送给它的后继者。……此时，消息类型变成COORDINATIOR消息，并再一次绕环运行，向所有进程通知谁是协作者（成员列表中进程号最大的那个）以及新环中的成员都有谁。',
      en: 'When any process notices the coordinator is not working, it builds an ELECTION message carrying its own process number and sends it to its successor. … The message then becomes a COORDINATOR message and goes round the ring once more, telling every process who the coordinator is (the largest process number in the member list) and who the members of the new ring are.',
    },
  },
  'election/zab-fle': {
    what: {
      en: 'ZooKeeper’s fast leader election: every LOOKING server votes for itself and broadcasts the vote; a vote is ordered by (epoch, zxid, server id) — the newer data wins, then the larger id — and a server that receives a better vote adopts it and re-broadcasts. When a quorum agrees on one vote, that server is LEADING and the others FOLLOWING; Observers learn the result without voting. Preferring the largest zxid means the leader has the most up-to-date data. An even split elects nobody — why ensembles have an odd size, or weights.',
      zh: 'ZooKeeper 的快速领导者选举：每个处于 LOOKING 状态的服务器先投自己并广播；选票按 (epoch, zxid, server_id) 比较——数据越新越优先，再比 ID——收到更优选票的服务器改投它并重新广播。当过半服务器认同同一张选票，该服务器进入 LEADING，其他进入 FOLLOWING；Observer 只获知结果，没有投票权。优先最大的 zxid 保证了领导者的数据最新。票数一半对一半时选不出主——这就是集群采用奇数节点（或权重）的原因。',
    },
    invariants: {
      en: 'At most one leader per epoch (two quorums intersect, and a server follows one vote at a time); observers never lead or vote; and no live voter is more up to date than the leader it elected.',
      zh: '每个 epoch 至多一个领导者（两个多数派必然相交，且一个服务器同一时刻只认一张选票）；Observer 从不当选也不投票；没有任何存活的投票者比它选出的领导者数据更新。',
    },
    faultModel: {
      en: 'Every fault: a server without a quorum stays LOOKING rather than lead a minority, so a partition stops the election on the smaller side instead of splitting the brain.',
      zh: '容忍所有故障：凑不齐多数派的服务器一直保持 LOOKING，而不会在少数派中当选，所以网络分区只会让较小的一侧停止选举，而不是产生脑裂。',
    },
    messages: {
      en: 'n(n−1) Notifications per broadcast round — one round when all start together; every adoption of a better vote starts another broadcast, so a broadcast storm is possible.',
      zh: '每轮广播 n(n−1) 条 Notification——大家同时开始时只需一轮；每次改投更优选票都会再广播一次，因此可能出现广播风暴。',
    },
    passage: {
      source: '004 三、Zookeeper的ZAB协议 · 5.服务器启动时期的Leader选举核心算法',
      zh: '(3) 处理投票。针对每一个投票，服务器都需要将别人的投票和自己的投票进行PK，PK规则如下\n\n优先检查ZXID。ZXID比较大的服务器优先作为Leader。\n\n如果ZXID相同，那么就比较myid。myid较大的服务器作为Leader服务器。',
      en: '(3) Process the votes. For each vote, a server compares the other’s vote with its own, by these rules: check the ZXID first — the server with the larger ZXID is preferred as Leader. If the ZXIDs are equal, compare myid — the server with the larger myid becomes the Leader.',
    },
  },
  'election/raft': {
    what: {
      en: 'Raft’s election alone. Every node starts as a Follower with a randomized election timeout (150–300 ms in the notes); one that hears no heartbeat in time becomes a Candidate, starts a new term (任期), votes for itself and asks everyone. Each node gives one vote per term, first come first served; a candidate with votes from a majority becomes Leader and sends heartbeats. Split votes are retried after a new random timeout, which makes a repeat unlikely. Pre-vote keeps a rejoining node from disrupting a working leader: elections are stable — a rejoin triggers a vote but not necessarily a change of leader.',
      zh: '单独的 Raft 选举。每个节点初始为 Follower，带一个随机的选举超时（笔记中为 150–300 ms）；超时没收到心跳就成为 Candidate，开始新的任期，先给自己投票，再请求其他所有节点投票。每个节点在一个任期内只投一张票，先到先得；获得过半投票的候选者成为 Leader 并定期发送心跳。票数相同时等待新的随机超时重新选举，再次平票的概率很低。预投票（pre-vote）防止重新加入的节点干扰正常的领导者：选举很稳定——节点恢复会触发选主，但不一定会切主。',
    },
    invariants: {
      en: 'At most one leader per term and one winner per term: a node votes once per term, and two majorities of the same cluster share a node, so two candidates cannot both collect one in the same term.',
      zh: '每个任期至多一个领导者、每个任期只有一个胜者：节点在一个任期内只投一票，同一集群的两个多数派必有共同节点，所以两个候选者不可能在同一任期都获得过半投票。',
    },
    faultModel: {
      en: 'Every fault. Votes and terms are durable, so a restarted node cannot vote twice in a term; a minority side of a partition cannot elect anybody; liveness needs a majority connected.',
      zh: '容忍所有故障。选票和任期持久化，节点重启后不会在同一任期投两次票；分区中的少数派选不出任何人；活性需要多数节点互通。',
    },
    messages: {
      en: 'No fixed formula is declared: an uncontested election costs 2(n−1) — RequestVote and its reply to each peer, after a pre-vote round of the same size — and heartbeats run on at n−1 per interval; split votes repeat the round.',
      zh: '没有声明固定公式：无竞争的一次选举 2(n−1) 条——向每个节点发 RequestVote 并收到回复，之前还有同样规模的预投票——之后每个心跳周期 n−1 条；平票会重复一轮。',
    },
    passage: {
      source: '000 分布式选举 · Raft 算法',
      zh: '其他节点根据接收到的选举请求的先后顺序，回复是否同意成为主。这里需要注意的是，在每一轮选举中，一个节点只能投出一张票。\n4. 若发起选举请求的节点获得超过一半的投票，则成为主节点，其状态转化为 Leader，其他节点的状态则由 Candidate 降为 Follower。Leader 节点与 Follower 节点之间会定期发送心跳包，以检测主节点是否活着。',
      en: 'The other nodes answer, in the order the requests arrive, whether they agree to it becoming leader. Note that in each round of election a node can cast only one vote. 4. If the node that asked gets more than half the votes it becomes the leader, its state changing to Leader, and the others go from Candidate back to Follower. Leader and Followers exchange heartbeats periodically to detect whether the leader is alive.',
    },
  },
};
