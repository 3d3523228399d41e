// Chinese for what the registry says of the clocks, mutual exclusion, locks, elections and
// consensus (src/algorithms/*: each algorithm's summary and its named scenarios' one-line
// descriptions, as `cohort sim list` prints them in English). The algorithms stay
// language-neutral; the page shows these on its Chinese side (i18n/registry-text.ts), in the
// seed notes' terms: 协调者, 临界区, 令牌, 领导者, 任期, 提交, 多数派 …

import type { RegistryZh } from './registry-zh.js';

export const ZH_REGISTRY_A: Readonly<Record<string, RegistryZh>> = {
  'clock/lamport': {
    summary: 'Lamport 逻辑时钟：a → b 蕴含 C(a) < C(b)',
    scenarios: {
      'crash-keeps-clock':
        '一个节点在负载中途崩溃；它的时钟是持久化的，所以重启后的事件仍排在它先前的事件之后。',
      'lossy-reordering-network':
        '丢包、重复和乱序都不会破坏时钟条件（只有被送达的消息才会建立因果关系）。',
    },
  },
  'clock/vector': {
    summary: '向量时钟：a → b 当且仅当 V(a) < V(b)',
    scenarios: {
      'crash-keeps-vector':
        '一个节点在负载中途崩溃；它的向量是持久化的，所以跨越重启的因果关系得以保留。',
      'partition-makes-concurrency':
        '当 1、2 与 3、4、5 被分区隔开时，跨越分区的每一对事件都是并发的——向量也正是这么说的。',
    },
  },
  'mutex/centralized': {
    summary: '带 FIFO 队列的中心协调者：请求、授权、释放（每次进入 3 条消息）',
    scenarios: {
      'coordinator-load': '100 个程序各进入一次：协调者要处理 300 条消息（每次进入 3 条）。',
      'coordinator-crash': '协调者永久崩溃：再也没有人能进入临界区（单点故障）。',
      'coordinator-restart': '协调者重启；持久化的队列让每个节点都能完成。',
      'failover-recovers':
        '开启 --failover 时协调者永久崩溃：节点 2 当选，从各客户端重建队列，所有节点都能完成。',
      'failover-twice': '开启 --failover 时两个协调者先后崩溃；节点 1 回来后追随节点 3。',
      'failover-split-brain':
        '开启 --failover 时，网络分区看起来就像崩溃：另一侧选出节点 4，而节点 1 仍在协调自己这一侧，于是两个客户端同时处于临界区。',
    },
  },
  'mutex/ricart-agrawala': {
    summary: '基于 Lamport 时间戳的组播：收到 n−1 个 OK 后进入（每次进入 2(n−1) 条消息）',
    scenarios: {
      'crashed-peer-stalls': '一个节点永久崩溃：谁也等不到它的 OK，其余节点全部停滞。',
      'peer-restarts': '一个节点崩溃后恢复；持久化的状态和重试让所有节点都能完成。',
      'fd-skips-crashed-peer': 'fd 变体：节点 5 永久崩溃；其余节点怀疑它，不再等它。',
      'fd-peer-returns':
        'fd 变体：节点 3 在临界区内崩溃后恢复；它放弃本轮机会，被重新纳入，并完成自己的请求。',
      'fd-false-suspicion':
        '网络分区下的 fd 变体：两侧互相怀疑对方，同时进入临界区——会出错的故障检测器无法让 Ricart–Agrawala 容错。',
      'hdfs-replicated-file':
        '笔记中的 HDFS 例子，叠加丢包与重复：每个持有者编辑文件后发送出去；系统静止后所有副本完全一致，没有任何编辑丢失。',
    },
  },
  'mutex/token-ring': {
    summary:
      '令牌环：带确认的移交、环修复、在租约保护下重新生成令牌（每次进入 ≥ 2 条消息：满负载时一跳，低负载时空转整圈）',
    scenarios: {
      'holder-crash-regenerates':
        '令牌持有者在临界区内永久崩溃：其余节点发现令牌丢失，恰好重新生成一次（代数由多数派商定），全部得到服务；环跳过了失效节点重新闭合。',
      'successor-crash-repairs-ring':
        '一个节点崩溃；它的前驱无法把令牌交给它，通过新一代令牌跳过它，该节点重启后重新加入环。',
      'idle-ring-wastes-messages':
        '每个节点隔几秒才请求一次：令牌却一直在环上流转，每次进入要耗费数百条消息（笔记所说：空闲时浪费消息）。',
      'lossy-network': '五分之一的消息丢失、十分之一重复：令牌既不丢失也不会变成两个。',
      'isolated-holder-waits-out-lease':
        '节点 5 刚进入一段很长的临界区就被隔离：它的前驱无法移交，借多数派修复了环，但要等节点 5 进入时所持的租约到期后才发出新令牌——那时节点 5 已经退出。',
      'long-pause-breaks-lease':
        '超出故障模型：令牌持有者在临界区内被暂停 3 秒（> maxPauseMs）。在其他节点看来这与崩溃无法区分；它们重新生成令牌并在它仍在临界区时进入——互斥被破坏。',
    },
  },
  'mutex/two-layer-token-ring': {
    summary:
      '广域令牌环：每个局域网一个本地环，协调者组成全局环（满负载时每次进入 2 + 2/K 条消息，大部分在本地）',
    scenarios: {
      'coordinator-restarts':
        '一个协调者在其局域网开放期间崩溃后恢复：两种令牌都是持久化的，这一圈继续进行，每个节点都得到服务。',
      'wan-partition-heals':
        '各局域网之间被切断一秒：全局令牌在断点处等待（重发直到被确认）；分区恢复后每个局域网都轮到了。',
      'lossy-network': '每条链路 20% 丢包、10% 重复：令牌既不丢失也不会变成两个。',
      'member-crash-stalls':
        '超出故障模型：节点 5 永久崩溃。它的前驱无休止地重发局域网令牌；局域网 2 永远完不成这一圈，全局令牌也就永远不再前进，所有节点停滞（这个设计没有令牌重新生成）。',
    },
  },
  'mutex/suzuki-kasami': {
    summary: '广播令牌：向所有节点发送 REQUEST(i, sn)，令牌携带 LN 和一个队列（每次进入 ≤ n 条）',
    scenarios: {
      'holder-crash-stalls': '令牌持有者永久崩溃：令牌随之消失，其余节点全部停滞。',
      'holder-restarts': '令牌持有者崩溃后恢复：持久化的令牌让所有节点都能完成。',
      'lost-request-retried': '一段时间内一半消息丢失：请求和移交都会重发。',
    },
  },
  'mutex/maekawa': {
    summary:
      '约 2√n 个投票者组成的网格仲裁集；INQUIRE/FAILED/RELINQUISH 避免死锁（每次进入 3–6(K−1) 条）',
    scenarios: {
      'deadlock-avoidance':
        '所有节点同时、反复地请求：INQUIRE 和 RELINQUISH 打破投票环，每个节点都得到服务。',
      'quorum-member-crash-stalls':
        '节点 5 永久崩溃：仲裁集包含它的节点（它所在的行和列）全部停滞——并通过它们持有的选票，拖住其余所有节点。',
    },
  },
  'locks/lease-lock': {
    summary:
      '锁服务器发放带 TTL 的租约；持有者向存储节点写入；--fencing 拒绝过期令牌（每次获取 3 + 2w 条消息）',
    scenarios: {
      'gc-pause':
        '超出故障模型：第一个持有者客户端 4 在工作中途被暂停 3 秒（GC 停顿，远超 1 秒 TTL）。锁被授予另一个客户端并完成写入；客户端 4 醒来后凭过期租约写入——存储在较新的写入之后又应用了它。',
      'gc-pause-fenced':
        '同样的停顿，开启 --fencing：客户端 4 迟到的写入所带的令牌比存储已见过的更旧，被拒绝。',
      'clock-drift':
        '超出故障模型：客户端 3 的时钟只以真实速度的五分之一运行。在服务器早已把锁交给别的客户端之后，它还以为租约几乎没用，随后覆盖了那个客户端的写入。',
      'clock-drift-fenced': '同样的慢时钟，开启 --fencing：它迟到的写入被拒绝。',
      'server-restart':
        '锁服务器在租约未归还时崩溃并重启：它忘记了租约，于是在一个 TTL 内不授予任何锁，而它持久化的令牌号继续增长。',
    },
  },
  'locks/redlock': {
    summary:
      'Redlock：在 TTL 减去漂移的时间内拿到 N 个独立锁实例中的多数；失败时处处释放（每次尝试 3N 条消息）',
    scenarios: {
      'clock-jump':
        '超出故障模型：实例 1、2、3 的时钟快了 90%（如 NTP 造成的时钟跳变）。它们的键远早于持有者所依赖的 TTL 就过期了；另一个客户端锁住这三个实例——多数——于是两个客户端同时持有锁。',
      'clock-jump-minority':
        '同样的跳变只发生在两个实例上：缺了第三个就没有多数，而第三个实例上的键仍然有效，所以互斥成立。',
      'minority-down': '实例 1 和 2 永久崩溃：其余三个仍构成多数。',
      'instance-restart':
        '实例 1、2、3 崩溃后恢复（键已丢失）：每个实例在一个 TTL 内拒绝一切加锁，因此它忘掉的键不会被授予两次。',
      'majority-down': '实例 1、2、3 永久崩溃：没有多数，再也没有人能持有锁。',
    },
  },
  'locks/znode-queue': {
    summary:
      'ZooKeeper/etcd 锁方案：临时顺序节点、会话过期、监视前驱（每次获取 ≤ 7 条消息），或 --herd（每次释放唤醒所有人）',
    scenarios: {
      'predecessor-watch':
        '20 个客户端同时排队；每个等待者只监视排在自己前面的那个节点，所以一次释放只唤醒一个客户端：无论多少人在等，每次获取都是 7 条消息。',
      'herd-effect':
        '同样的人群，开启 --herd：每个等待者都监视持有者，于是每次释放把所有人都唤醒，除一人外又都回去等待——每次获取的消息数随队列增长（这正是该方案要避免的羊群效应）。',
      'client-crash-expires-session':
        '客户端 3 永久崩溃，可能正持有锁：它的会话过期，临时节点随之删除，其余客户端得到服务。',
      'coordinator-restart':
        '协调服务器崩溃并重启：会话和节点都是持久化的，并获得新的超时；错过心跳回应的持有者已放弃锁，重新排队。',
      'gc-pause':
        '超出故障模型：第一个持有者被暂停 3 秒（会话超时 1 秒）。它的会话过期，锁被授予下一个客户端——存活会话之间的互斥成立，但被暂停的客户端仍以为自己持有锁：两个客户端同时认为自己持有（这就是锁需要隔离令牌的原因）。',
    },
  },
  'election/bully': {
    summary: 'Bully 算法：向更大的 id 发 Election，回以 Alive，由存活的最大节点宣布 Victory',
    scenarios: {
      'flapping-largest':
        '节点 5 三次崩溃又恢复：每次回来都凭“长者为大”重新登顶，所以每次领导者都会更换（见 leaderChanges）。',
      'split-brain':
        '2|3 网络分区：没有领导者的一侧选出节点 2，于是两个节点同时担任领导者（maxConcurrentLeaders = 2），直到分区恢复。',
      'split-brain-prevented':
        '同样的分区，开启 --step-down-minority：只有 2 个节点的一侧凑不齐多数派，因此谁也选不出来。',
      'mongodb-lastop': 'MongoDB 的变体：节点 2 拥有最新的操作，胜过 id 更大的节点。',
    },
  },
  'election/max-id': {
    summary: '最简单的选举：广播自己的 id，遇到更大的就退出（n(n−1) 条消息）',
    scenarios: {
      'absent-node-lets-smaller-win':
        '节点 5 在整轮选举中被隔离：其余节点选出 4，而 5 没见过更大的 id，也当上领导者——两个领导者，分区恢复后也无法达成一致。',
    },
  },
  'election/ring': {
    summary: '环选举：ELECTION 沿环收集存活的 id，COORDINATOR 绕环传递一圈',
    scenarios: {
      'coordinator-crash':
        '协调者（5）崩溃：某个节点察觉后发起 ELECTION，跳过节点 5，节点 4 被沿环宣布为协调者。',
      'successor-crash-skipped': '选举期间节点 3 宕机：它的前驱等待超时后跳过它。',
    },
  },
  'election/zab-fle': {
    summary: 'ZooKeeper 的快速领导者选举：选票按（纪元, zxid, id）排序，过半即当选',
    scenarios: {
      'startup-elects-3': '笔记中的例子：三台服务器纪元均为 1、zxid 均为 0，选出服务器 3。',
      'runtime-elects-1':
        '笔记中的例子：服务器 2 宕机；服务器 1（zxid 123）和 3（zxid 122）选出服务器 1。',
      'even-split-elects-nobody': '四台服务器按 2|2 分区：哪一侧都没有过半，谁也当不上领导者。',
      'weights-break-the-tie':
        '同样的 2|2 分区，权重为 3,1,1,1：含服务器 1 的一侧能选出领导者（另一侧被隔开，无法追随它）。',
      'flapping-largest':
        'Bully 中反复崩溃的节点 5（第一任领导者）三次崩溃又恢复：其余节点只选一次节点 4 并一直保留它，因为回来的服务器会加入已确立的领导者（leaderChanges = 1；对比 election/bully）。',
      'leader-crash': '领导者崩溃：其余节点选出次优者，并建立新的纪元。',
    },
  },
  'election/raft': {
    summary: '单独的 Raft 选举：随机化超时、任期、每个任期一票、预投票',
    scenarios: {
      'leader-crash': '第一任领导者（种子 1 下为节点 3）崩溃：新的任期选出另一个领导者。',
      'flapping-largest':
        'Bully 中反复崩溃的节点 5（三次崩溃又恢复）：Raft 保留原领导者，因为回来的节点不能凭 id 争位，预投票也阻止它抬高任期（leaderChanges = 0；对比 election/bully）。',
      'even-split-elects-nobody': '四台服务器从一开始就按 2|2 分区：哪一侧都没有多数派。',
      'minority-leader-steps-down':
        '领导者和一个跟随者被隔开：check-quorum 让它退位，同时多数派选出更高任期的领导者，因此两个领导者永远不会共享同一任期。',
    },
  },
  'consensus/paxos': {
    summary: '单值 Paxos：Prepare/Promise、Accept/Accepted；只会有一个值被选定',
    scenarios: {
      'duelling-proposers': '三个提议者同时开始；Nack 和随机退避结束这场对决。',
      'proposer-crash':
        '第一个提议者在一轮提案中途崩溃；第二个提议者完成它，而第一个凭持久化的轮次计数器重启后，得知的是同一个值。',
      'minority-side-proposer': '唯一的提议者和少数派一起被隔开；分区恢复后它才成功。',
      'seed-notes-two-values':
        '笔记中的模型，两个提议者、没有故障：承诺回报的是已准备的而非已接受的提案，于是两个不同的值都被选定（种子 1）。',
      'majority-down': '五个接受者中三个永久崩溃：再也不可能选定任何值。',
    },
  },
  'consensus/multi-paxos': {
    summary:
      'Multi-Paxos 日志：稳定的领导者，阶段一只做一次，每个槽位一次阶段二，空洞补 no-op，KV 存储',
    scenarios: {
      'leader-crash':
        '领导者（种子 1 下为节点 3）在负载中途崩溃，以跟随者身份回来；新领导者只做一次阶段一，重启的节点随后追上进度。',
      'partitioned-leader': '少数派一侧无法提交；多数派选出领导者并继续前进。',
      'majority-down': '五个节点中三个永久崩溃：再也没有槽位能被选定。',
    },
  },
  'consensus/raft': {
    summary: 'Raft：预投票、快照、成员变更、ReadIndex/租约读、流水线复制、KV 存储',
    scenarios: {
      'leader-crash-during-replication':
        '领导者在客户端写入时崩溃；日志最新的服务器中选出新领导者，它完成已提交条目的复制，客户端在它那里重试。',
      'stale-leader-minority':
        '领导者和一个跟随者连同一个客户端被隔开：过时的领导者既无法提交，也无法完成 ReadIndex 确认，经 check-quorum 退位，多数派继续前进。',
      'partitioned-node-rejoins':
        '一个跟随者被隔离两秒后重新加入；预投票使它的任期保持不变，健康的领导者不会被推翻（leaderChanges 保持为 0）。',
      'snapshot-install-after-downtime':
        '一个跟随者宕机期间，日志被压缩到越过了它的最后一条条目；它重启后，领导者向它发送 InstallSnapshot（KV 状态和客户端会话）。',
      'membership-change-under-faults':
        '客户端 7 增删服务器（服务器 6 起初不在配置中）并转移领导权，同时链路丢包 5%，还有一台服务器崩溃又重启。',
      'majority-down': '五台服务器中三台永久崩溃：再也无法提交任何内容。',
    },
  },
  'consensus/zab': {
    summary: 'ZooKeeper 原子广播：快速领导者选举、发现、同步、按 zxid 广播',
    scenarios: {
      'leader-crash-mid-broadcast':
        '第一任领导者（5）在操作不断流入时崩溃：其余服务器选出历史最新的服务器，它先让一个过半集合与自己同步，再提出提案；没有任何内容丢失。',
      'minority-partition':
        '领导者和一个跟随者被隔开：它收不到过半的 ping，于是停止；多数派建立新纪元；分区恢复后，旧的一侧重新同步。',
      'lossy-links': '链路丢包 10% 并且乱序：按序接收加上重发，重建了 FIFO。',
      'observers-learn': '服务器 6 和 7 是观察者：它们交付每个操作，但从不投票，也不当领导者。',
    },
  },
};
