// Chinese for the names the registry gives its checks (safety invariants and liveness
// expectations, as `cohort sim` reports them) and for each algorithm's message formula,
// keyed by the English the run reports (a check is known by its name everywhere: the trace,
// the CLI, the page's data-check). Shown on the Chinese page by i18n/registry-text.ts; a
// violation's own message is put in Chinese by i18n/violations.ts.

export const ZH_CHECKS: Readonly<Record<string, string>> = {
  // Safety.
  'clock condition: a → b ⇒ C(a) < C(b)': '时钟条件：a → b ⇒ C(a) < C(b)',
  'clock condition: a → b ⇔ V(a) < V(b)': '时钟条件：a → b ⇔ V(a) < V(b)',
  'mutual exclusion: at most one node in the critical section': '互斥：临界区内至多一个节点',
  'no entry without a request': '没有请求就不会进入临界区',
  'at most one valid token': '至多一个有效令牌',
  'at most one global token, one local token per LAN':
    '至多一个全局令牌，每个局域网至多一个本地令牌',
  'at most one token': '至多一个令牌',
  'no write from a stale holder': '过期的持有者不会写入',
  'mutual exclusion among live sessions': '存活会话之间互斥',
  'FIFO: the lock is granted in entry order': 'FIFO：锁按节点创建顺序授予',
  'at most one leader per term': '每个任期至多一个领导者',
  'observers never lead or vote': '观察者从不当领导者，也不投票',
  'one winner per term': '每个任期至多一个胜者',
  'one-value-chosen': '只选定一个值',
  'chosen-value-stable': '被选定的值不再改变',
  'accept-respects-promise': '接受时遵守已作出的承诺',
  'learners-agree': '学习者得知的值一致',
  'one-command-per-slot': '每个槽位只有一条命令',
  'replicas-learn-chosen': '副本学到的都是被选定的命令',
  'log-order-linearizes': '日志顺序可线性化',
  linearizability: '可线性化',
  'election-safety': '选举安全：每个任期至多一个领导者',
  'leader-append-only': '领导者只追加日志',
  'log-matching': '日志匹配',
  'leader-completeness': '领导者完整性',
  'state-machine-safety': '状态机安全',
  'learners-never-lead': '学习者从不当领导者',
  integrity: '完整性：只交付被广播过的操作',
  'agreement and total order': '一致性与全序',
  'primary order': '主序（primary order）',
  'one transaction per zxid': '每个 zxid 只对应一个事务',
  'IC1-agreement': 'IC1：忠诚的副官执行相同的命令',
  'IC2-validity': 'IC2：司令忠诚时，副官执行他的命令',
  agreement: '一致性：正确的副本对同一序号执行相同的请求',
  'client-results': '客户端得到的结果正确',
  'valid-blocks-only': '只接受有效区块',
  'most-work-tip': '链尖是工作量最多的链',
  'confirmed-blocks-final': '已确认的区块不再回滚',
  'irreversible-agreement': '不可逆区块一致',
  'most-trust-tip': '链尖是链信任最多的链',
  'outputs report every change of suspicion and majority': '输出报告怀疑与多数派的每次变化',
  'merges never lose an acknowledged update': '合并从不丢失已确认的更新',
  'outputs report every member declared failed or alive again':
    '输出报告每个被宣布失效或恢复存活的成员',
  atomicity: '原子性：所有参与者的决定相同',
  'commit only if every cohort voted yes': '只有每个参与者都投了 Yes 才提交',
  'no consumer acts on a rolled-back order': '消费者不会处理已回滚的订单',
  'no order consumed twice': '没有订单被消费两次',
  'consumers act in the chain’s order': '消费者按链路顺序处理',
  'the broker resolves as the local transaction did': 'Broker 的结论与本地事务的结果一致',
  consistency: '一致性',
  'acknowledged entries agree': '已确认的条目一致',
  'update propagation (Hist_j ⪯ Hist_i)': '更新传播（Hist_j ⪯ Hist_i）',
  'no machine over-committed; every placed task fits': '没有机器被超额分配；每个放置的任务都放得下',
  'no task runs twice at once': '没有任务同时运行两份',
  'preemption evicts only lower-priority tasks': '抢占只驱逐优先级更低的任务',
  'the master offers and launches only what is free': '主节点只邀约和启动空闲的资源',
  'mutual exclusion': '互斥',
  exception: '没有异常',
  // Liveness.
  'every live node finishes its events': '每个存活节点都完成自己的事件',
  'every live node is served all its requests': '每个存活节点的请求都得到服务',
  'every live replica of the file is identical': '文件的每个存活副本完全一致',
  'every live node follows one live leader': '每个存活节点都追随同一个存活的领导者',
  'the highest-ranked live node leads': '排名最高的存活节点成为领导者',
  'no live voter is more up to date than the leader': '没有存活的投票者比领导者更新',
  'every-node-learns': '每个节点都得知被选定的值',
  'every-command-completes': '每条命令都完成',
  'replicas-converge': '副本最终一致',
  'leader-elected': '选出了领导者',
  'commands-complete': '命令都完成',
  'every live server delivers every operation': '每个存活的服务器都交付每个操作',
  'every-loyal-lieutenant-decides': '每个忠诚的副官都作出决定',
  'every-request-completes': '每个请求都完成',
  'correct-replicas-converge': '正确的副本最终一致',
  'honest-common-prefix': '诚实节点有共同前缀',
  'common-irreversible-prefix': '不可逆区块有共同前缀',
  'common-prefix': '共同前缀',
  'strong completeness: every crashed node is suspected by every live node':
    '强完整性：每个崩溃的节点都被每个存活节点怀疑',
  'eventual strong accuracy: no live node suspects a live node':
    '最终强准确性：没有存活节点怀疑存活的节点',
  'every live node knows whether the live nodes are a majority':
    '每个存活节点都知道存活节点是否构成多数派',
  'convergence: every live node holds the same replica': '收敛：每个存活节点持有相同的副本',
  'strong completeness: every crashed member is held failed by every live member':
    '强完整性：每个崩溃的成员都被每个存活成员视为失效',
  'eventual accuracy: no live member holds a live member failed or suspect':
    '最终准确性：没有存活成员把存活的成员视为失效或可疑',
  'every transaction decided at every cohort': '每个事务在每个参与者处都有决定',
  'every order’s local transaction ended': '每个订单的本地事务都已结束',
  'every half message resolved': '每条半消息都有结论',
  'every committed order consumed by every consumer': '每个已提交的订单被每个消费者消费',
  'replicas converge': '副本最终一致',
  'no acknowledged write lost': '没有已确认的写入丢失',
  'every job that fits is placed and runs to completion': '每个放得下的作业都被放置并运行完成',
  'clients keep entering': '客户端持续进入临界区',
  'clients keep being served': '客户端持续得到服务',
};

export const ZH_FORMULAS: Readonly<Record<string, string>> = {
  'one Stamp per send event': '每个发送事件一条 Stamp',
  'one Stamp (n integers) per send event': '每个发送事件一条 Stamp（n 个整数）',
  '3 per entry (Request, Grant, Release; failover traffic apart)':
    '每次进入 3 条（Request、Grant、Release；故障转移流量另计）',
  '2(n−1) per entry (n−1 Requests, n−1 OKs; heartbeats and file shipping apart)':
    '每次进入 2(n−1) 条（n−1 条 Request、n−1 条 OK；心跳和文件传输另计）',
  '2 per hop (Token + TokenAck): 1 hop per entry at full load (so 2 per entry), plus every idle hop at low load (n hops per idle lap)':
    '每跳 2 条（Token + TokenAck）：满负载时每次进入一跳（即每次进入 2 条），低负载时还要加上每个空转的跳（空转一圈 n 跳）',
  '2 per hop (token + ack); a global lap is L global hops and n local hops, so at full load 2 + 2/K per entry (2L/n of them global); idle laps add to it at low load':
    '每跳 2 条（令牌 + 确认）；全局一圈是 L 个全局跳和 n 个本地跳，所以满负载时每次进入 2 + 2/K 条（其中 2L/n 条是全局的）；低负载时空转的圈另加',
  'at most n per entry (n−1 REQUESTs + 1 token; 0 when held; acks apart)':
    '每次进入至多 n 条（n−1 条 REQUEST + 1 条令牌；已持有令牌时为 0；确认另计）',
  '3(K−1) to 6(K−1) per entry, K = the entering node’s quorum size (≈2√n−1)':
    '每次进入 3(K−1) 到 6(K−1) 条，K 为进入节点的仲裁集大小（≈2√n−1）',
  '3 + 2w per acquire (Acquire, Granted, Release; a Write and its WriteReply per write), + 2 when it queued (Ready, and the fresh Acquire that answers it)':
    '每次获取 3 + 2w 条（Acquire、Granted、Release；每次写入一条 Write 及其 WriteReply），排过队时再加 2 条（Ready，以及回应它的新 Acquire）',
  '3N per attempt (Lock, LockReply and Unlock with each of the N instances)':
    '每次尝试 3N 条（与 N 个实例各交换 Lock、LockReply 和 Unlock）',
  '4 per acquire (Create, Created, Delete, Deleted) + 3 per wake-up (Notify, Check, CheckReply); a release wakes 1 waiter with the recipe (≤ 7 per acquire), every waiter watching the holder with --herd (O(n) per acquire); session pings apart':
    '每次获取 4 条（Create、Created、Delete、Deleted）+ 每次唤醒 3 条（Notify、Check、CheckReply）；按该方案一次释放只唤醒 1 个等待者（每次获取 ≤ 7 条），--herd 时唤醒每个监视持有者的等待者（每次获取 O(n) 条）；会话 ping 另计',
  'n² − 1 for one election from the lowest id: n(n−1)/2 Elections and Alives, n−1 Victories':
    '由最小 id 发起的一次选举共 n² − 1 条：Election 和 Alive 各 n(n−1)/2 条，Victory n−1 条',
  'n(n−1): every node broadcasts its id once': 'n(n−1) 条：每个节点广播一次自己的 id',
  '2n for one initiator (n ELECTION + n COORDINATOR hops; acks apart)':
    '一个发起者时 2n 条（n 跳 ELECTION + n 跳 COORDINATOR；确认另计）',
  'n(n−1) Notifications per broadcast round (one round when all start together)':
    '每轮广播 n(n−1) 条 Notification（同时启动时只需一轮）',
  'one uncontested ballot: 4 per remote acceptor (Prepare, Promise, Accept, Accepted) + n−1 Chosen = 5(n−1) when every node is an acceptor':
    '一轮无竞争的提案：每个远端接受者 4 条（Prepare、Promise、Accept、Accepted）+ n−1 条 Chosen，每个节点都是接受者时共 5(n−1) 条',
  '2(n−1) Prepare+Promise per leadership + 2(n−1) Accept+Accepted per slot (heartbeats, Request/Reply and catch-up not counted)':
    '每任领导 2(n−1) 条 Prepare+Promise + 每个槽位 2(n−1) 条 Accept+Accepted（心跳、Request/Reply 和追赶不计）',
  '3(n−1) per operation: a Proposal, an Ack and a Commit per learner (re-sends extra)':
    '每个操作 3(n−1) 条：每个学习者一条 Proposal、一条 Ack 和一条 Commit（重发另计）',
  'Σ_{k=0..m} (n−1)(n−2)…(n−1−k) (fewer when a traitor stays silent)':
    'Σ_{k=0..m} (n−1)(n−2)…(n−1−k) 条（叛徒保持沉默时更少）',
  '(n−1) orders + (n−1)(n−2) relays = (n−1)² with a loyal commander and m ≥ 1 (each lieutenant relays each new value once; a two-faced commander doubles the relays)':
    '(n−1) 条命令 + (n−1)(n−2) 条转发 = (n−1)² 条，司令忠诚且 m ≥ 1 时（每个副官对每个新值转发一次；两面派司令使转发翻倍）',
  '2n(n−1) per request: n−1 PRE-PREPARE + (n−1)² PREPARE + n(n−1) COMMIT':
    '每个请求 2n(n−1) 条：n−1 条 PRE-PREPARE + (n−1)² 条 PREPARE + n(n−1) 条 COMMIT',
  '(n−1)² Block messages per mined block (the miner sends n−1, every other node forwards once to n−2); GetBlock/BlockResponse only when a block outruns its parent':
    '每挖出一个区块 (n−1)² 条 Block 消息（矿工发 n−1 条，其他每个节点向 n−2 个节点各转发一次）；只有区块先于父块到达时才有 GetBlock/BlockResponse',
  '(n−1)² Block messages per produced block (flooding, as in chain/pow)':
    '每产出一个区块 (n−1)² 条 Block 消息（泛洪，同 chain/pow）',
  '(n−1)² Block messages per minted block (flooding, as in chain/pow)':
    '每铸造一个区块 (n−1)² 条 Block 消息（泛洪，同 chain/pow）',
  'n(n−1) Heartbeats per interval: n(n−1)(⌊T/Δ⌋ + 1) over T ms without faults':
    '每个间隔 n(n−1) 条 Heartbeat：无故障时 T 毫秒内共 n(n−1)(⌊T/Δ⌋ + 1) 条',
  'n · fanout Pushes or Pulls per round, plus Replies only where a peer is behind':
    '每轮 n · fanout 条 Push 或 Pull，只有对方落后时才另有 Reply',
  'one Ping + one Ack per member per period without loss (constant load, §3.1)':
    '无丢包时每个成员每个周期一条 Ping + 一条 Ack（恒定负载，§3.1）',
  '4N per transaction (CanCommit, Vote, DoCommit/DoAbort, HaveCommitted; N cohorts)':
    '每个事务 4N 条（CanCommit、Vote、DoCommit/DoAbort、HaveCommitted；N 个参与者）',
  '6N per committed transaction (CanCommit, Vote, PreCommit, Ack, DoCommit, HaveCommitted), 4N per one aborted at the vote (CanCommit, Vote, Abort, HaveCommitted)':
    '每个提交的事务 6N 条（CanCommit、Vote、PreCommit、Ack、DoCommit、HaveCommitted），在投票阶段中止的事务 4N 条（CanCommit、Vote、Abort、HaveCommitted）',
  'N(4F+5) per transaction: N Prepare, N(2F+1) phase 2a and N(2F+1) phase 2b (one per instance, unbundled), N Commit/Abort, N Ack — the paper counts (N+1)(F+3)−4 with the TM and acceptors co-located, 2b bundled and no acks':
    '每个事务 N(4F+5) 条：N 条 Prepare、N(2F+1) 条阶段 2a 和 N(2F+1) 条阶段 2b（每个实例一条，不合并）、N 条 Commit/Abort、N 条 Ack——论文的 (N+1)(F+3)−4 是在事务管理器与接受者同处一地、2b 合并且没有确认时的计数',
  '3 per order (Half, HalfAck, Commit/Rollback) + 2C per committed order (Deliver, Ack to each of C consumers) + 2 per check-back (CheckBack, CheckBackReply)':
    '每个订单 3 条（Half、HalfAck、Commit/Rollback）+ 每个已提交订单 2C 条（对 C 个消费者各一条 Deliver 和 Ack）+ 每次回查 2 条（CheckBack、CheckBackReply）',
};
