// Explanations of the mutex family (mutual exclusion, notes 000 and 001 §2.1): the central
// coordinator, Ricart–Agrawala, the token ring, the two-layer token ring, Suzuki–Kasami and
// Maekawa. Data only; the shape is types.ts.

import type { Explanation } from './types.js';

export const mutexExplanations: Readonly<Record<string, Explanation>> = {
  'mutex/centralized': {
    what: {
      en: 'One node, the coordinator, owns the critical resource. A node that wants it sends a Request; the coordinator grants it at once if the resource is free, or queues the request first come, first served; the holder sends a Release when done and the coordinator grants the head of its queue. It is the simplest mutual exclusion there is — three messages per entry, no node talks to another — and its weakness is the point: every entry goes through one node, so it is a bottleneck and a single point of failure. With --failover a heartbeat detects a dead coordinator, the others elect a new one and it rebuilds the queue from the clients.',
      zh: '由一个节点——协调者——掌管临界资源。程序需要访问时先向协调者发送请求；资源空闲则协调者直接授权，否则按先来后到把请求“排一个号”；使用完后程序通知协调者释放，协调者再把授权发给队首的请求。这是最简单的互斥：每次访问 3 条消息，程序之间无需通信。它的弱点正是要演示的：所有访问都经过一个节点，协调者既是性能瓶颈，又是单点故障。加上 --failover 后，心跳发现协调者故障，其余节点选出新的协调者，由它向各程序重建队列。',
    },
    invariants: {
      en: 'Mutual exclusion: at any moment at most one node is inside the critical section, and nobody enters without having asked. It holds because the coordinator hands out one grant at a time and takes the next only after a Release; its queue and the current holder are durable, so a restarted coordinator does not grant twice. With failover, a partition can make two coordinators, and the split-brain scenario shows the invariant broken.',
      zh: '互斥：任一时刻临界区内至多一个节点，且没有请求就不会进入。协调者一次只发一个授权，收到释放后才发下一个；队列和当前持有者都持久化，所以协调者重启后不会重复授权。启用故障转移时，网络分区会产生两个协调者——脑裂场景展示了不变式被打破。',
    },
    faultModel: {
      en: 'Without --failover it claims every fault for safety: a crash only stops progress (nobody enters while the coordinator is down) and a restart resumes it. With --failover it assumes a perfect failure detector — a node that looks dead is dead; a partition violates that, which is how two coordinators arise.',
      zh: '不启用故障转移时，对任何故障都保证安全：协调者崩溃只会让系统停滞（无人能进入），重启后继续。启用 --failover 时，它假设完美的故障检测器——看起来死了的节点确实死了；网络分区违反了这个假设，于是出现两个协调者。',
    },
    messages: {
      en: '3 per entry — Request, Grant, Release — whatever n is: with 100 programs the coordinator handles 300 messages, its load growing linearly with the number of programs.',
      zh: '每次进入 3 条消息——请求、授权、释放——与 n 无关：100 个程序访问时协调者要处理 100×3=300 条消息，负载随程序数线性增长。',
    },
    passage: {
      source: '000 分布式互斥 · 集中式算法',
      zh: '我们引入一个协调者程序，得到一个分布式互斥算法。每个程序在需要访问临界资源时，先给协调者发送一个请求。如果当前没有程序使用这个资源，协调者直接授权请求程序访问；否则，按照先来后到的顺序为请求程序“排一个号”。如果有程序使用完资源，则通知协调者，协调者从“排号”的队列里取出排在最前面的请求，并给它发送授权消息。拿到授权消息的程序，可以直接去访问临界资源。',
      en: 'We introduce a coordinator program and obtain a distributed mutual-exclusion algorithm. Each program that needs the critical resource first sends the coordinator a request. If no program is using the resource, the coordinator grants access at once; otherwise it gives the requester “a number” in first-come-first-served order. When a program is done with the resource it tells the coordinator, which takes the first request out of the queue and sends it a grant. A program holding the grant may access the critical resource.',
    },
  },
  'mutex/ricart-agrawala': {
    what: {
      en: 'No coordinator: a node that wants the resource multicasts a Request carrying its Lamport timestamp and id to the n−1 others and enters once all of them have answered OK. A node answers at once unless it is inside or its own pending request is older (smaller timestamp, then smaller id) — then it defers the OK until it leaves. Timestamps make the order first come, first served and the vote unanimous. The price is 2(n−1) messages per entry and availability: one crashed node never answers, so everybody waits. Variant fd adds the notes’ improvement — a failure detector that stops waiting for crashed peers — and a scenario shows why a detector that can be wrong breaks safety.',
      zh: '没有协调者：程序要访问资源时，把带 Lamport 时间戳和自身 ID 的请求组播给其余 n−1 个程序，收到全部同意后才进入。收到请求的程序若不在临界区、且自己没有更早的请求（时间戳更小，相同则 ID 更小），就立刻回复同意，否则推迟到离开后再回复。逻辑时钟让访问“先到先得”，同意必须“全票通过”。代价是每次 2(n−1) 条消息，以及可用性：一个程序故障就永远不回复，所有人都在等待。变体 fd 加入笔记中的改进——故障检测，不再等待已故障的程序——并有场景说明：会误判的检测器会破坏安全性。',
    },
    invariants: {
      en: 'Mutual exclusion: at most one node inside, no entry without a request. Two nodes asking at once both need the other’s OK, and of two requests exactly one is older in the (timestamp, id) order, so exactly one defers; the Lamport clock makes a request sent after seeing another’s carry a larger timestamp.',
      zh: '互斥：临界区内至多一个节点，没有请求不会进入。两个节点同时请求时都需要对方的同意，而按 (时间戳, ID) 排序两者中恰有一个更早，于是恰有一方推迟回复；Lamport 时钟保证看到别人请求之后发出的请求时间戳更大。',
    },
    faultModel: {
      en: 'Classic: safe under every fault — durable state and retries mean a restarted node finishes — but a node that stays down stalls everyone. Variant fd assumes its failure detector is never wrong; a partition makes each side suspect the other and both enter at once.',
      zh: '经典版本在任何故障下都安全——状态持久化加重试，节点重启后仍能完成——但一个节点一直宕机就会让所有人停滞。变体 fd 假设故障检测器从不误判；网络分区使双方互相怀疑，同时进入临界区。',
    },
    messages: {
      en: '2(n−1) per entry: n−1 Requests and n−1 OKs; with all n nodes asking at once, 2n(n−1). Heartbeats (variant fd) and file shipping (--replicate) are counted apart.',
      zh: '每次进入 2(n−1) 条：n−1 条请求、n−1 条同意；n 个程序同时请求时共 2n(n−1) 条。心跳（变体 fd）和文件传输（--replicate）另计。',
    },
    passage: {
      source: '000 分布式互斥 · 分布式算法',
      zh: '当一个程序要访问临界资源时，先向系统中的其他程序发送一条请求消息，在接收到所有程序返回的同意消息后，才可以访问临界资源。其中，请求消息需要包含所请求的资源、请求者的 ID，以及发起请求的时间。……一旦某一程序发生故障，无法发送同意消息，那么其他程序均处在等待回复的状态中，使得整个系统处于停滞状态，导致整个系统不可用。',
      en: 'When a program wants the critical resource it first sends a request to the other programs in the system, and may access the resource only after receiving an agreement from all of them. The request must contain the resource requested, the requester’s ID and the time of the request. … Once any program fails and cannot send its agreement, all the others wait for its reply, the whole system stalls and becomes unavailable.',
    },
  },
  'mutex/token-ring': {
    what: {
      en: 'The nodes form a ring and one token travels round it; only the holder may enter, and a holder that does not need the resource passes the token on. Nobody asks anybody, so entry is cheap at full load and fair — every node gets a turn per lap — but an idle ring keeps passing the token, wasting messages, and a node may wait a full lap. The notes say it is stable “after fixing the single point of failure”: here each hand-off is acknowledged, a dead successor is skipped (ring repair), and a lost token is regenerated exactly once, in a new generation agreed by a majority, only after the old holder’s lease has run out.',
      zh: '所有程序构成一个环，令牌沿环传递；只有持有令牌的程序可以访问临界资源，不需要的程序直接把令牌传给下一个。不必征求任何人的意见，满负载时通信效率高、公平——每一周每个程序都能访问一次；但空闲时令牌仍在传递，造成无效通信，且最长要等一整圈。笔记说“在改进单点故障后，稳定性也很高”：这里每次交接都有确认，跳过故障的后继（修复环），令牌丢失时由多数派商定一个新的代号，只重新生成一次，并且要等旧持有者的租约过期之后。',
    },
    invariants: {
      en: 'Mutual exclusion, no entry without a request, and at most one valid token. A token carries its generation; a new generation needs a majority, so two sides of a partition cannot both make one, and a holder enters only within a lease that ends before a regenerated token can be issued.',
      zh: '互斥、没有请求不进入、任一时刻至多一个有效令牌。令牌带有代号；新代号需要多数派同意，所以分区两侧不可能都生成令牌；持有者只在租约内进入，而新令牌要等租约结束后才会发出。',
    },
    faultModel: {
      en: 'Every fault, provided no process pauses longer than maxPauseMs (200 ms) and clocks drift within ±5%: the lease counts on both; message delays are unbounded. The long-pause scenario steps outside — a holder paused for 3 s is indistinguishable from a dead one, the others regenerate, and two nodes are inside.',
      zh: '容忍所有故障，前提是进程暂停不超过 maxPauseMs（200 ms）、时钟漂移在 ±5% 以内：租约依赖这两点；消息延迟不设上限。长暂停场景超出了这个模型——持有者暂停 3 秒与崩溃无法区分，其他节点重新生成令牌，两个节点同时在临界区。',
    },
    messages: {
      en: '2 per hop (Token and TokenAck). At full load one hop per entry, so 2 per entry; at low load every idle hop adds 2 — n hops per idle lap, hundreds of messages per entry when requests are seconds apart.',
      zh: '每跳 2 条（令牌和确认）。满负载时每次进入只需一跳，即每次 2 条；负载低时每个空闲跳再加 2 条——空转一圈 n 跳，请求间隔数秒时每次进入要花几百条消息。',
    },
    passage: {
      source: '000 分布式互斥 · 令牌环算法',
      zh: '所有程序构成一个环结构，令牌按照顺时针（或逆时针）方向在程序之间传递，收到令牌的程序有权访问临界资源，访问完成后将令牌传送到下一个程序；若该程序不需要访问临界资源，则直接把令牌传送给下一个程序。……令牌环算法的公平性高，在改进单点故障后，稳定性也很高',
      en: 'All programs form a ring and a token passes between them clockwise (or anticlockwise). The program that receives the token may access the critical resource and, when done, passes the token to the next program; a program that does not need the resource passes it straight on. … The token ring is very fair and, once its single point of failure is fixed, very stable.',
    },
  },
  'mutex/two-layer-token-ring': {
    what: {
      en: 'The notes’ answer for large, wide-area systems: each LAN has its own ring of local processes with a local token, and one coordinator per LAN; the coordinators form a global ring with a global token. A LAN’s coordinator opens its LAN when the global token arrives, lets the local token run one lap so each member may enter, then passes the global token on. Most traffic stays local; only coordinators talk across the WAN.',
      zh: '笔记给大规模、广域网系统的答案：每个局域网有一个由局部进程组成的环，环上传递局部令牌，并有一个协调进程；各协调进程又组成全局环，传递全局令牌。全局令牌到达时，协调进程打开本局域网，局部令牌走一圈，每个成员都可进入一次，然后把全局令牌传下去。大部分通信留在局域网内，只有协调进程跨广域网通信。',
    },
    invariants: {
      en: 'Mutual exclusion, no entry without a request, at most one global token and one local token per LAN. A local token is live only while its LAN holds the global token, so at most one LAN — and in it one node — can be inside.',
      zh: '互斥、没有请求不进入、全局令牌至多一个、每个局域网的局部令牌至多一个。局部令牌只在本局域网持有全局令牌时有效，所以至多一个局域网——其中至多一个节点——在临界区。',
    },
    faultModel: {
      en: 'Safe under every fault: tokens are durable and every hand-off is re-sent until acknowledged, so loss, duplication, partitions and restarts delay but never lose or double a token. There is no regeneration: a member that stays dead stalls its LAN and with it the global ring — the member-crash scenario shows it.',
      zh: '在任何故障下都安全：令牌持久化，每次交接重发直到确认，所以丢包、重复、分区和重启只会延迟，不会丢失或复制令牌。但这里没有令牌再生：一个成员永久宕机会让所在局域网停滞，进而让全局环停滞——成员崩溃场景展示了这一点。',
    },
    messages: {
      en: '2 per hop (token and ack). A global lap is L global hops and n local hops, so at full load 2 + 2/K messages per entry with K nodes per LAN, only 2L/n of them global.',
      zh: '每跳 2 条（令牌和确认）。全局一圈是 L 个全局跳和 n 个局部跳，所以满负载时每次进入 2 + 2/K 条（每个局域网 K 个节点），其中只有 2L/n 条跨广域网。',
    },
    passage: {
      source: '000 分布式互斥 · 有适合大规模系统中的分布式互斥算法吗?',
      zh: '我们知道，广域网由多个局域网组成，因此在该算法中，局域网是较低的层次，广域网是较高的层次。每个局域网中包含若干个局部进程和一个协调进程。局部进程在逻辑上组成一个环形结构，在每个环形结构上有一个局部令牌 T 在局部进程间传递。局域网与局域网之间通过各自的协调进程进行通信，这些协调进程同样组成一个环结构，这个环就是广域网中的全局环。在这个全局环上，有一个全局令牌在多个协调进程间传递。',
      en: 'A wide-area network is made of many LANs, so in this algorithm the LAN is the lower layer and the WAN the higher one. Each LAN has several local processes and one coordinator process. The local processes logically form a ring on which a local token T passes between them. LANs talk to each other through their coordinators, which also form a ring — the global ring of the WAN — on which a global token passes between the coordinators.',
    },
  },
  'mutex/suzuki-kasami': {
    what: {
      en: 'A token algorithm without a ring: a node that wants the resource broadcasts REQUEST(i, sn) with its request number; the token carries, for each node, the number of its last served request (LN) and a queue of waiting nodes. The holder enters at will; on leaving it appends every node whose latest request is unserved to the queue and sends the token to the head. No idle laps: at most n messages per entry, none when the holder asks again. It goes beyond the notes, answering their complaint that the ring wastes messages when idle.',
      zh: '不用环的令牌算法：程序需要资源时广播 REQUEST(i, sn)，附上自己的请求序号；令牌记录每个节点最近一次被满足的序号（LN）和一个等待队列。持有者可随时进入；离开时把所有最新请求尚未满足的节点加入队列，并把令牌发给队首。没有空转：每次进入至多 n 条消息，持有者再次请求时为 0。它超出了笔记的范围，回应了笔记对令牌环“空闲时浪费消息”的批评。',
    },
    invariants: {
      en: 'Mutual exclusion, no entry without a request, at most one token. Only the token holder enters, and the token is handed over with an acknowledgement and kept durable, so it is neither lost nor copied.',
      zh: '互斥、没有请求不进入、至多一个令牌。只有令牌持有者能进入，令牌交接有确认并持久化，所以既不会丢失也不会被复制。',
    },
    faultModel: {
      en: 'Safe under every fault; requests and hand-offs are re-sent under loss. Progress needs the holder: a holder that crashes for good takes the token with it and everybody stalls (there is no regeneration); a holder that restarts still has its durable token.',
      zh: '在任何故障下都安全；丢包时请求和交接会重发。推进依赖令牌持有者：持有者永久崩溃会带走令牌，所有人停滞（没有再生）；持有者重启后令牌仍在（持久化）。',
    },
    messages: {
      en: 'At most n per entry: n−1 REQUESTs and one token message; 0 when the node already holds the token; acknowledgements counted apart.',
      zh: '每次进入至多 n 条：n−1 条 REQUEST 加一条令牌消息；节点已持有令牌时为 0；确认消息另计。',
    },
    passage: {
      source: '000 分布式互斥 · 令牌环算法',
      zh: '但是，不管环中的程序是否想要访问资源，都需要接收并传递令牌，所以也会带来一些无效通信。',
      en: 'But whether or not a program on the ring wants the resource, it must receive and pass the token, which brings some useless communication.',
    },
  },
  'mutex/maekawa': {
    what: {
      en: 'Instead of everyone’s agreement (Ricart–Agrawala) a node needs only its quorum’s: nodes sit on a √n × √n grid and a node’s quorum is its row and its column, about 2√n nodes. Any two quorums meet, and each voter gives one vote at a time, so two nodes can never both collect their quorums. Votes can deadlock in a cycle; INQUIRE (a voter asks for its vote back when an older request arrives), FAILED and RELINQUISH break the cycles. It goes beyond the notes, which suggest “a majority instead of unanimous consent”.',
      zh: '不需要所有人同意（Ricart–Agrawala），只需要自己的法定集合同意：节点排成 √n × √n 的网格，一个节点的法定集合是它所在的行和列，约 2√n 个节点。任意两个法定集合相交，每个投票者一次只投一票，所以两个节点不可能同时集齐各自的法定集合。投票可能形成循环死锁；INQUIRE（有更早的请求到达时，投票者要回自己的票）、FAILED 和 RELINQUISH 打破循环。它超出了笔记，对应笔记中“过半数同意即可”的思路。',
    },
    invariants: {
      en: 'Mutual exclusion and no entry without a request. Two entering nodes would each hold a vote of the node where their quorums intersect, but a voter grants one vote at a time and only takes it back through RELINQUISH from a node that is not inside.',
      zh: '互斥、没有请求不进入。两个节点若同时进入，就都持有两个法定集合交点的那一票；而投票者一次只投一票，只有未进入临界区的节点才会通过 RELINQUISH 交还选票。',
    },
    faultModel: {
      en: 'Safe under every fault (votes are durable, messages re-sent). Progress needs the whole quorum: a node that crashes for good stalls every node whose row or column holds it, and through the votes they hold, everybody else.',
      zh: '在任何故障下都安全（选票持久化、消息重发）。推进需要整个法定集合：一个节点永久崩溃会让所有行或列包含它的节点停滞，并通过它们持有的选票拖住其他所有人。',
    },
    messages: {
      en: '3(K−1) to 6(K−1) per entry, K the entering node’s quorum size (≈ 2√n − 1): REQUEST, LOCKED, RELEASE to each other member without contention; INQUIRE, FAILED, RELINQUISH and a second LOCKED under it.',
      zh: '每次进入 3(K−1) 到 6(K−1) 条，K 为进入节点的法定集合大小（约 2√n − 1）：无竞争时向每个其他成员发 REQUEST、LOCKED、RELEASE；有竞争时再加 INQUIRE、FAILED、RELINQUISH 和第二次 LOCKED。',
    },
    passage: {
      source: '000 分布式互斥 · 有适合大规模系统中的分布式互斥算法吗?',
      zh: '分布式算法：分布式算法可在集群中过半数同意就识为其同意，降低通信数，如分布式选举场景',
      en: 'Distributed algorithm: it can count as agreed once more than half the cluster agrees, cutting the number of messages, as in distributed election.',
    },
  },
};
