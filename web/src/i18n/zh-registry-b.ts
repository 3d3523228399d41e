// Chinese for what the registry says of Byzantine agreement, the chains, failure detection,
// gossip, transactions, replication, scheduling and the deliberately broken test algorithms
// (their summaries and named scenarios; the English stays in src/algorithms, as `cohort sim
// list` prints it). Terms follow the seed notes: 司令, 副官, 叛徒, 记账权, 参与者, 协调者,
// 预提交, 半消息, 主节点, 副本 …

import type { RegistryZh } from './registry-zh.js';

export const ZH_REGISTRY_B: Readonly<Record<string, RegistryZh>> = {
  'byzantine/oral-messages': {
    summary: 'OM(m)：递归转发，按多数决定（默认撤退）；当且仅当 n > 3m 时达成一致',
    scenarios: {
      'three-generals':
        '论文图 1：3 位将军，副官 3 是叛徒。副官 2 从忠诚的司令那里听到“进攻”，从 3 那里听到“他说撤退”：没有多数，于是撤退（IC2）。',
      'four-generals-traitor-commander': '论文图 4：OM(1)，叛徒司令对一半副官说谎：IC1 成立。',
      'four-generals-traitor-lieutenant':
        '论文图 3：OM(1)，副官 3 把转发的命令颠倒：IC1 和 IC2 都成立。',
      'seven-generals-two-traitors': 'OM(2)，7 位将军，司令和副官 3 随机说谎。',
      'too-many-traitors': 'OM(1)，4 位将军却有 2 个叛徒（多于 m）：副官 4 在表决中被压倒。',
    },
  },
  'byzantine/signed-messages': {
    summary: 'SM(m)：签名转发，choice(V)；叛徒不超过 m 个时，无论多少都能达成一致',
    scenarios: {
      'three-generals':
        '论文 §4：3 位将军，司令两面派。每个副官转发自己收到的签名命令，双方都看到 {进攻, 撤退}，于是都撤退：在 OM 失败的地方 IC1 成立。',
      'three-generals-traitor-lieutenant':
        '带签名的论文图 1：副官 3 无法以忠诚司令的名义伪造“撤退”，所以副官 2 进攻（IC2 成立）。',
      'four-generals-two-traitors': 'SM(2)，司令和副官 2 随机串通：一致性成立。',
      'too-many-traitors':
        'SM(1) 遇到 2 个串通的叛徒：司令下令进攻，副官 3 用司令的密钥签出“撤退”，并在最后一轮只给 4 看；4 无法再转发它（需要 m+1 个签名），于是 2 进攻而 4 撤退。SM(2) 就能识破。',
    },
  },
  'byzantine/pbft': {
    summary: 'PBFT：3f+1 个副本，pre-prepare/prepare/commit，视图变更；f+1 个回复',
    scenarios: {
      'silent-primary':
        '视图 0 的主节点（副本 1）是拜占庭节点且一言不发：备份节点超时，切换到视图 1。',
      'equivocating-primary':
        '副本 1 对每个序号都发出相互矛盾的 pre-prepare：什么都无法 prepare，视图变更将它替换。',
      'silent-backup': '副本 3 一言不发：其余 2f+1 个副本仍在视图 0 中完成 prepare 和 commit。',
      'too-many-faulty': '四个副本中两个（多于 f = 1）一言不发：凑不齐 2f+1 的法定人数，没有进展。',
    },
  },
  'chain/pow': {
    summary: '工作量证明：比特币的区块头与难度调整，真实的 SHA-256d，累计工作量最多的链胜出',
    scenarios: {
      'fifty-one-percent':
        '节点 5 掌握 5/9 的算力，挖一条私有链并在 2 秒时公布：所有诚实节点都重组到这条链上，回滚了 3 个及以上深度的区块。',
      'minority-attacker': '同样的攻击，但只有 1/9 的算力：私有链落败。',
      'forger-rejected': '节点 3 广播难度目标过低或没有工作量的区块：全部被拒绝。',
      'partition-fork': '网络分区的两侧都在挖矿；分区恢复后，工作量更多的一侧胜出。',
    },
  },
  'chain/dpos': {
    summary: '委托权益证明：按权益加权投票选出 D 个受托人，轮流签署区块',
    scenarios: {
      'missed-slot':
        '受托人 2 永久崩溃：它的时隙一直空着，其余受托人继续出块，区块仍会变得不可逆。',
      'malicious-delegate':
        '受托人 3 在每个时隙签署两个区块；这对双胞胎区块成为链上的证据，受托人 6 取而代之。',
      'partitioned-delegates': '两个受托人被隔开一段时间；分区恢复后，较长的一侧胜出。',
    },
  },
  'chain/pos': {
    summary: '权益证明：内核哈希低于“权益 × 币龄”时铸造区块；链信任最多者胜出',
    scenarios: {
      'stake-weighted':
        '权益为 10、10、10、10、60：富有的节点铸造了大部分区块，其他节点也铸造了一些。',
      'offline-staker':
        '最富有的持币者（节点 5）离线：其余节点继续铸造；与此同时它们的币龄在增长。',
      'partition-fork': '分区期间两侧都在铸造；分区恢复后，消耗币龄更多的一侧胜出。',
    },
  },
  'detect/heartbeat': {
    summary: '向所有节点发送心跳；固定超时或 φ 累积怀疑；可选多数派判断',
    scenarios: {
      'crash-detected':
        '节点 5 在 2 秒时崩溃：其余每个节点都在检测时间内怀疑它（detectionMsMean），而且没有人怀疑存活的节点（falseSuspicions = 0）。',
      'jittery-link-fixed':
        '节点 1 和 2 之间的链路延迟 20–400 毫秒，其余链路保持 1–10 毫秒；适合平稳链路的 300 毫秒固定超时让 1 和 2 一再互相怀疑（falseSuspicions > 0）。节点 5 在 4 秒时崩溃。',
      'jittery-link-phi':
        '同样抖动的链路，改用 φ 累积检测：每条链路有自己的窗口，1 和 2 学到彼此的抖动并等待更久（误判少得多），而节点 5 在平稳链路上的崩溃被检测得和固定超时差不多快。',
      'lossy-fixed':
        '每五个心跳丢一个；1.5 个间隔的固定超时在每次丢包时都会怀疑一个存活的对等节点——强准确性不成立，这也是它被作为指标而不是不变式的原因。',
      'partition-minority':
        '1 秒到 3 秒之间 2|3 分区：节点 1 和 2 怀疑 3、4、5，并报告自己处于少数派（minorityDeclared = 1,2）；3、4、5 仍保有多数派。分区恢复后每个节点又都能看到多数派。',
    },
  },
  'gossip/anti-entropy': {
    summary: '以推、拉或推拉方式向随机对等节点 Gossip 一个 CRDT；O(log N) 轮传遍全网',
    scenarios: {
      'spread-push': '节点 1 上的一次更新通过推式 Gossip 传播到 64 个节点（roundsToSpreadMax）。',
      'spread-pull': '节点 1 上的一次更新通过拉式 Gossip 传播到 64 个节点（roundsToSpreadMax）。',
      'spread-push-pull':
        '节点 1 上的一次更新通过推拉式 Gossip 传播到 64 个节点（roundsToSpreadMax）。',
      'partition-heal':
        '2|3 分区的两侧各有写入者不断更新一个 OR-set；每一侧收敛到自己的写入，分区恢复后五个节点持有相同的集合。',
      lossy: '3 秒内一半消息丢失：传播需要更多轮次，但什么都没丢。',
      'writer-crash':
        '节点 1 确认了两次计数器更新，在 450 毫秒时崩溃，2 秒时恢复：它持久化的副本仍包含这两次更新，最终每个节点都有它们。',
    },
  },
  'gossip/swim': {
    summary: 'SWIM：探测、经 k 个成员间接探测、怀疑、搭载传播更新；Lifeguard',
    scenarios: {
      'crash-detected':
        '8 个成员中的成员 5 在 1 秒时崩溃：一次探测发现了它，它先被怀疑，再被确认，确认消息搭载在 ping 上传播（detectionMsMean、firstDetectionMsMean）。',
      'lossy-no-suspicion':
        '关闭怀疑机制，4 秒内十分之一的消息丢失：每次直接和间接探测都失败时，就把一个存活的成员宣布为失效（falseSuspicions > 0）。',
      'lossy-suspicion': '同样的丢包，开启怀疑机制：被怀疑的成员及时反驳，被宣布失效的少得多。',
      'partition-rejoin':
        '3|5 分区持续 3 秒：两侧都宣布对方失效；分区恢复后，重连探测把确认带过分区，成员们进行反驳，全部重新加入。',
      'slow-member-lifeguard':
        '4 秒内成员 1 的链路延迟 20–80 毫秒，超过 30 毫秒的探测超时：它指控健康的成员。开启 --lifeguard 后，它的健康乘数拉长自己的超时，而群起怀疑的超时会等待独立的怀疑。',
    },
  },
  'txn/2pc': {
    summary:
      '两阶段提交：协调者和参与者，CanCommit/Vote 后 DoCommit/DoAbort 和 HaveCommitted（每个事务 4N 条消息）；协调者宕机期间阻塞',
    scenarios: {
      'blocking-in-phase-2':
        '协调者在 220 毫秒时（持久地）决定提交，它的 DoCommit 丢失，随后崩溃；2 秒内三个已准备的参与者持有锁，除了询问什么都做不了（lockHeldMaxMs ≈ 2 秒）。重启后它重发已记录的决定：全部提交。',
      'coordinator-spof':
        '协调者在 215 毫秒时崩溃——参与者已投 Yes、选票尚未到达——并宕机 2 秒：没有事务能开始，已准备的参与者被卡住。重启后它在日志中发现事务 1 未决，将其中止（推定中止）。',
      'coordinator-never-returns':
        '协调者作出决定后、任何 DoCommit 到达之前永久崩溃：参与者永远停留在已准备、不确定的状态（活性失败；原子性仍然成立）。',
      'one-no-aborts-all':
        '参与者 3 对每个事务都投 No：无论其他参与者怎么投，每个事务都中止——笔记所说的“任何一个失败都会导致全部中止”。',
      'partial-docommit':
        '协调者在广播 DoCommit 的中途崩溃：只有参与者 2 收到，在 230 毫秒时提交；参与者 3 和 4 停留在已准备状态——笔记所说的数据不一致——直到重启的协调者在 1000 毫秒时重发已记录的提交。',
      'cooperative-termination':
        '参与者 4 没收到 CanCommit，协调者在决定前崩溃。开启 --cooperative-termination 后，参与者 2 和 3 询问尚未投票的参与者 4：它中止并告知它们，于是它们远在协调者回来之前就释放了锁。',
      'cooperative-all-in-doubt':
        '开启 --cooperative-termination 的阻塞场景：每个参与者都投了 Yes，所以谁也无法回答别人——协作并不能消除 2PC 的阻塞。',
    },
  },
  'txn/3pc': {
    summary:
      '三阶段提交：CanCommit、PreCommit、DoCommit，双方都有超时；协调者崩溃时不阻塞，网络分区下会出现分歧',
    scenarios: {
      'coordinator-crash-after-precommit':
        '协调者在 225 毫秒时永久崩溃，它的 PreCommit 还在路上：参与者预提交后收不到决定，凭自己的超时提交——不阻塞，而 2PC 的参与者会永远等待协调者。',
      'coordinator-crash-before-precommit':
        '协调者在 215 毫秒时、发出任何 PreCommit 之前永久崩溃：参与者已投 Yes，什么也收不到，凭自己的超时中止。',
      'partition-divergence':
        '超出故障模型：参与者 2 在 235 毫秒时被隔开，此时它已预提交、Ack 尚未到达。协调者等 Ack 超时而中止——参与者 3 和 4 中止——而参与者 2 什么也收不到，凭超时提交：笔记所说的数据不一致，被原子性检查捕获。',
    },
  },
  'txn/paxos-commit': {
    summary:
      'Paxos Commit（Gray 与 Lamport）：每个资源管理器的投票在 2F+1 个接受者上运行一个 Paxos 实例；事务管理器和 F 个接受者宕机时也不阻塞',
    scenarios: {
      'tm-and-f-acceptors-crash':
        '事务管理器和接受者 5 在 225 毫秒时永久崩溃，阶段 2b 的应答正发往已死的事务管理器。已准备的资源管理器超时，用剩下的两个接受者发起更高的选票编号，发现每个实例都是 Prepared，于是提交——而 2PC 会阻塞。',
      'more-than-f-acceptors-crash':
        '事务管理器和接受者 5、6 永久崩溃：一个接受者构不成法定人数，资源管理器停留在不确定状态（活性失败；原子性成立）。',
      'rm-never-votes':
        'Prepare 到达时资源管理器 3 宕机，1500 毫秒时恢复。事务管理器超时，以更高的选票编号运行阶段一，发现资源管理器 3 的实例空闲，提议 Aborted：事务在没有 3 的情况下中止，3 回来后得知结果。',
      'tm-restart':
        '事务管理器在 225 毫秒时崩溃，260 毫秒时重启，赶在资源管理器失去耐心之前：它没有记录任何结果，于是对它开始的每个事务运行阶段一，从接受者那里得知提交。',
    },
  },
  'txn/transactional-message': {
    summary:
      '事务消息（RocketMQ）：半消息、本地事务、提交/回滚报告和 Broker 的事务回查；订单 → 支付 → 库存，每步只应用一次',
    scenarios: {
      'half-not-stored':
        '笔记中的第一种失败：Broker 在 195 毫秒到 550 毫秒之间宕机，订单 1 的半消息始终没有存下。订单服务重发，在 500 毫秒时放弃，从未执行本地事务——无需撤销，也没有任何投递；订单 2 的半消息在 Broker 回来后重发，顺利通过。',
      'half-ack-lost':
        '半消息已存储，但 520 毫秒之前的每个应答都丢了：订单服务在 500 毫秒时放弃订单 1（回滚，本地事务从未执行）；Broker 持有一个无人报告的半消息，在 600 毫秒时回查，收到应答后将其删除。',
      'local-transaction-fails':
        '每个本地事务都失败：订单服务报告 Rollback，Broker 删除每条半消息，消费者什么也收不到。',
      'report-lost':
        '笔记中的第三种失败：订单在 240 毫秒时本地提交，它的 Commit 报告丢失。Broker 在 600 毫秒时回查，订单服务根据订单表回答提交，订单被投递。',
      'producer-crash-before-report':
        '订单服务在 240 毫秒时本地提交订单 1，在报告到达 Broker 之前崩溃，宕机到 1000 毫秒：600 和 900 毫秒的回查无人应答，1200 毫秒的那次由重启后的服务回答提交。',
      'check-back-while-running':
        '本地事务要运行 400 毫秒：600 毫秒的回查发现它仍在运行，得到“unknown”；620 毫秒的 Commit 报告了结了这条半消息。',
      'consumer-ack-lost':
        '笔记中的第二种失败：支付服务在 260 毫秒时处理了订单 1，它的 Ack 丢失。Broker 在 500 毫秒时再次投递；支付服务的去重集合跳过它并确认，库存服务收到订单——只扣一次款，无需回滚。',
      'consumer-crash-before-ack':
        '支付服务在 260 毫秒时处理了订单 1，在 Ack 发出前崩溃，宕机到 800 毫秒：宕机期间的重投递丢失，900 毫秒的那次在它持久化的去重集合中找到该订单——确认，但不再处理。',
      'broker-restart-with-half-pending':
        'Broker 在 235 毫秒时崩溃，手中有订单 1 的半消息，而 Commit 报告恰在它宕机时到达。600 毫秒重启后它仍有这条半消息（持久化），在 900 毫秒时回查：提交。它宕机期间开始的订单被重发并顺利通过。',
      'check-back-exhausted':
        'RocketMQ 的上限：只允许 2 次回查，订单服务（报告丢失，自身宕机到 1500 毫秒）一次也没回答；1200 毫秒时 Broker 回滚了一条其订单已在本地提交的半消息——它永远不会被投递。',
      'naive-no-check-back':
        '没有事务回查的朴素流程（--check-back false）：订单 1 的 Commit 报告丢失，它的半消息永远等待——一个已提交的订单永远没被消费。',
      'naive-no-dedup':
        '没有去重集合的朴素消费者（--dedup false）：支付服务的 Ack 丢失，订单被再次投递，支付服务扣了两次款。',
      'naive-no-half-message':
        '没有半消息的朴素生产者（--half-messages false）：消息一发出就被投递，支付服务在 220 毫秒时执行，随后本地事务失败——支付服务处理了一个已回滚的订单。',
    },
  },
  'replication/quorum': {
    summary: 'Dynamo 法定人数：N、R、W，向量时钟与并存版本，读修复，宽松法定人数 + 提示移交',
    scenarios: {
      'cap-cp':
        '2|3 分区下的严格法定人数（N=3、R=2、W=2）：节点 1 和 5 上的客户端联系不到 k0 的任何副本，它们的操作被拒绝（见 refused），直到分区恢复。',
      'cap-ap':
        '同样的分区，改用宽松法定人数：节点 1 和 5 代替副本接收，所以少数派一侧仍在接受写入；分区恢复后提示移交把它们送回，与多数派的写入作为并存版本相遇（见 siblingReads），副本最终收敛。',
      'sloppy-without-handoff':
        '没有提示移交的宽松法定人数：少数派确认过的写入留在替身节点上，分区恢复后没有哪个读会去问它们——已确认的写入丢失。',
    },
  },
  'replication/primary-backup': {
    summary: '主备复制：同步（等待每个备份）或异步，主控节点故障转移，纪元隔离',
    scenarios: {
      'sync-backup-down':
        '同步模式：备份 4 崩溃。每次写入都被阻塞——主节点在等它的确认——直到主控节点察觉（suspectMs）并把它移出视图（见 longestWriteMs）；它重启后通过快照重新加入。',
      'sync-primary-fails':
        '同步模式：主节点崩溃；主控节点在新纪元中让存活的、最小的安全备份（3）成为主节点，没有已确认的写入丢失。',
      'sync-primary-cut-off':
        '同步模式：主节点被隔开，却仍以为自己在领导。备份节点安装新纪元并拒绝它的 Forward，于是它什么也提交不了：历史保持可线性化。',
      'async-failover':
        '异步模式，主节点到备份的链路变慢（900–1000 毫秒，比主控节点完成故障转移还久）：它确认了备份尚未拥有的写入，随后崩溃。备份 3 在没有这些写入的情况下接管——已确认的写入丢失。',
    },
  },
  'replication/chain': {
    summary: '链式复制：写入从头节点进入，由尾节点确认，读取在尾节点',
    scenarios: {
      'head-fails':
        '头节点崩溃；主控节点把它从链上摘除，它的后继（3）成为头节点。只有旧头节点持有的写入从未被确认；它重新加入时排在链尾。',
      'middle-fails':
        '中间的服务器（3）崩溃；它的前驱（2）成为它的后继（4）的前驱，并把 4 可能缺少的内容发给它，保持 Hist_4 ⪯ Hist_2。',
      'tail-fails':
        '尾节点崩溃；它的前驱（4）持有尾节点拥有的每个更新，成为新的尾节点，负责应答读取和确认写入。',
      'tail-cut-off':
        '超出 fail-stop 模型：尾节点（5）只与主控节点断开。主控节点移除它，4 成为尾节点；5 仍然活着却毫不知情，继续回答自己客户端的读取，漏掉 4 现在确认的写入——不可线性化。',
    },
  },
  'scheduling/monolithic': {
    summary: 'Borg 式单体调度器：一个队列，筛选可行机器，打分，选择',
    scenarios: {
      'head-of-line-blocking':
        '服务作业每个要花 400 毫秒来决策（约束、分散放置）：唯一的调度器思考期间，每个批处理作业都排在它后面等待——把 waitP99BatchMs 与默认运行对比，并与 scheduling/shared-state 在同一作业流上的拆分调度器对比。',
      'no-preemption':
        '负载很高的集群（每 40 毫秒到达一个作业），没有抢占：服务作业要等批处理任务结束（waitP99ServiceMs），而有抢占时会把它们驱逐。',
      preemption: '同样的负载，开启抢占：服务任务驱逐批处理任务（preemptions）。',
      'reordered-network':
        '严重的乱序和重复：抢占方的 Launch 超过了被驱逐者的 Launch，还有重复消息到达；没有任务被启动两次。',
      'partitioned-machine':
        '机器 3 在 1 秒到 6 秒之间被隔离。它的租约 2.5 秒未续期后失效，它杀掉自己的任务；调度器等待 3.3 秒——无论时钟漂移多少，租约此时必已失效——宣布它宕机并重新调度这些任务（tasksLost）。分区愈合后，机器以新的会话重新注册，再次被使用。',
      'machine-crash':
        '机器 3 在 1 秒时连同它的任务一起崩溃，6 秒时空着重启。调度器在最后一次续租 3.3 秒后宣布它宕机并重新调度它的任务；重启的机器以新的会话发送心跳，再次被使用。',
      'scheduler-crash':
        '调度器在 1.5 秒（作业流进行中）崩溃，2.5 秒时依据它的账本（队列、放置、机器会话——持久化，如同 Borg 的 Paxos 存储）重启。机器的租约撑过了这次中断，没有任务丢失；崩溃前发出且未得到回音的 Launch 会被重发。',
      'long-scheduler-outage':
        '调度器从 1.5 秒宕机到 6 秒：每台机器的租约都失效，每个运行中的任务都被杀掉（tasksLost）——这是租约的代价。Borg 则让任务在主节点离开期间继续运行，并接受分区之后的重复运行。',
      'lossy-network':
        '15 秒内每五条消息丢一条：Launch 一直重发直到得到应答，任务结束的报告随每次心跳重发直到被确认，只有连续多次心跳丢失时租约才会失效。没有任务同时运行两次；每个作业都完成。',
      'pause-beyond-lease':
        '超出故障模型：机器 3 暂停 5 秒，超过了租约计算所允许的 0.5 秒。它无法对已失效的租约采取行动，调度器宣布它宕机并在别处启动它的任务，而机器 3 仍持有这些任务：一个任务同时运行了两次。',
    },
  },
  'scheduling/two-level': {
    summary: 'Mesos 式两层调度：主节点按 DRF 顺序向各框架发出资源邀约',
    scenarios: {
      'large-offer-starvation':
        '服务任务需要一台机器的 80%；批处理框架让每台机器都部分忙碌。服务框架收到的都是碎片，一一拒绝，批处理框架把它们拿走：它的作业一直等待（waitP99ServiceMs），直到批处理负载消退。',
      hoarding:
        '同样的负载，开启 --hoard：服务框架留着用不上的碎片，指望凑出一整台机器。被囤积的资源闲置、锁住，批处理框架只能等待（waitP99BatchMs 约为三倍）；主节点在 offerTimeoutMs 后撤回囤积（rescinds）。',
      'reordered-network':
        '乱序、重复和延迟：重复的 Accept、过时的 Hungry 消息和乱序的邀约；没有任务被启动两次，也没有超出空闲资源。',
      'master-crash-mid-offer':
        '主节点在 1.5 秒时带着未答复的邀约崩溃，2 秒时一无所知地重启（如同 Mesos）：机器重新注册，主节点接管它们正在运行的任务；框架再次声明自己需要资源并核对各自的任务；针对旧主节点邀约的 Accept 被拒绝（邀约编号带有主节点的纪元）。没有任务丢失或同时运行两次。',
      'framework-crash':
        '服务框架（2）在 1.5 秒时崩溃，4 秒时依据它的账本重启：它持有的邀约在 offerTimeoutMs 后被撤回，它的任务继续运行，回来后它与主节点核对这些任务。',
      'partitioned-machine':
        '机器 5 在 1 秒到 6 秒之间被隔离：它的租约失效，它杀掉自己的任务；主节点在 3.3 秒后宣布它宕机并报告这些任务丢失（tasksLost），它们的框架用新的邀约重新启动它们。',
      'lossy-network':
        '15 秒内每五条消息丢一条：丢失的邀约被撤回，丢失的 Accept 和任务报告由核对补上，丢失的 Launch 被重发。',
    },
  },
  'scheduling/shared-state': {
    summary: 'Omega 式共享状态：调度器乐观地提交，由机器检测冲突',
    scenarios: {
      'no-head-of-line-blocking':
        'scheduling/monolithic 的队头阻塞作业流（服务决策要 400 毫秒）：服务调度器独自思考，批处理作业不必排在它后面等待（waitP99BatchMs）。',
      contention:
        '八个调度器，每 30 毫秒到达一个作业，决策 50 毫秒，粗粒度冲突检测：调度器思考期间快照过时，提交发生冲突并重试（conflicts、conflictFraction）。',
      'contention-fine-grained':
        '同样的竞争，改用细粒度检测：只有已经放不下的提交才冲突，重试更少——但仍然很多，因为一台机器空出来时每个调度器都给它打最高分（真实的竞争，而非虚假冲突）。',
      'reordered-network':
        '乱序、重复和延迟：过时的 Usage 报告在新报告之后到达，应答被重复；副本保留最新版本，没有任何任务运行两次。',
      'partitioned-machine':
        '机器 3 在 1 秒到 6 秒之间与两个调度器都断开。每个调度器与它的租约都失效，机器杀掉该调度器的任务；每个调度器各自宣布它宕机，并把自己的任务提交到别处，没有任务运行两次。',
      'scheduler-crash-mid-commit':
        '批处理调度器（2）在 1.5 秒时带着进行中的提交崩溃，2.5 秒时依据它的持久账本重启；它的集群状态副本由机器的心跳重建，未得到应答的提交被重发，服务调度器始终没有停下。',
      'lossy-network':
        '15 秒内每五条消息丢一条：提交一直重发直到得到应答，丢失的使用量报告由心跳补回，任务结束的报告随心跳重发直到被确认。没有机器被过度分配，没有任务运行两次。',
    },
  },
  'testing/volatile-lock': {
    summary: '重启后忘记持有者的锁服务器（故意写错，用于测试）',
    scenarios: {
      'server-restart': '服务器在某个客户端持有锁时重启，又把锁授予了第二个客户端。',
    },
  },
  'testing/forgetful-session': {
    summary: '遇到自己忘掉的会话就抛出异常的会话服务器（故意写错，用于测试）',
    scenarios: {
      'server-restart': '服务器重启，忘记所有会话，并在下一个请求上抛出异常。',
    },
  },
};
