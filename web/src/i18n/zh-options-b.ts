// Chinese for the registry's option help, keyed by the English text, for the chains, failure
// detection, gossip, transactions, replication and scheduling (zh-options-a.ts has the
// rest). The option's own name stays: it is the command line's flag.

export const ZH_OPTIONS_B: Readonly<Record<string, string>> = {
  'nonces each node tries per 20 ms, in node order (default: 1 each)':
    '每个节点每 20 毫秒尝试的 nonce 数，按节点顺序（默认：各 1 个）',
  'compact target of the genesis block: about 1 hash in 2, 32, 64 or 256':
    '创世区块的紧凑难度目标：大约每 2、32、64 或 256 次哈希命中一次',
  'target block time': '目标出块时间',
  'blocks per retarget': '每次难度调整间隔的区块数',
  'a node that mines a private chain and releases it at --release-ms (0: none)':
    '挖私有链并在 --release-ms 时公布的节点（0：没有）',
  'see --attacker': '见 --attacker',
  'nodes that broadcast invalid blocks': '广播无效区块的节点',
  'check that no honest node reverts a block this deep (0: off)':
    '检查没有诚实节点回滚这么深的区块（0：关闭）',
  'elected block producers (D)': '当选的出块受托人数（D）',
  'time slot per block': '每个区块的时隙',
  'delegates that sign two blocks per slot': '在一个时隙内签署两个区块的受托人',
  'rounds of D slots to produce (then the chain rests, so counts are exact)':
    '要产出的轮数，每轮 D 个时隙（之后链停止，计数因此精确）',
  "each node's stake, in node order (default 10·id)": '每个节点的权益，按节点顺序（默认 10·id）',
  'time slot': '时隙',
  'slots to mint in': '可以铸造区块的时隙数',
  'every node sends a Heartbeat to every other node this often':
    '每个节点向其他每个节点发送 Heartbeat 的间隔',
  'fixed: suspect after --timeout-ms of silence; phi: the φ accrual detector':
    'fixed：沉默 --timeout-ms 后怀疑；phi：φ 累积故障检测器',
  'fixed detector: silence after which a peer is suspected': '固定超时检测器：沉默多久后怀疑对方',
  'phi detector: suspect when φ reaches this (1: 10% chance of a mistake, 8: 10⁻⁸)':
    'φ 检测器：φ 达到此值时怀疑（1：误判概率 10%，8：10⁻⁸）',
  "phi detector: floor under the inter-arrival times' standard deviation":
    'φ 检测器：到达间隔标准差的下限',
  'phi detector: silence added to the mean before φ rises (lost beats, GC)':
    'φ 检测器：φ 上升前在平均值上额外容忍的沉默（丢失的心跳、GC）',
  'phi detector: inter-arrival times kept per peer (a sliding window)':
    'φ 检测器：每个对等节点保留的到达间隔个数（滑动窗口）',
  'push: send our state; pull: ask for theirs; push-pull: send and get an answer':
    'push：发送自己的状态；pull：索要对方的状态；push-pull：发送并得到回应',
  'peers contacted per round, drawn uniformly at random': '每轮联系的对等节点数，均匀随机抽取',
  'one gossip round; every node starts one this often (latency is below it)':
    '一轮 Gossip；每个节点每隔这么久发起一轮（延迟小于它）',
  'the replicated state: a CRDT merged on every exchange': '被复制的状态：每次交换时合并的 CRDT',
  'nodes 1..writers make updates (1: one rumor from node 1)':
    '节点 1..writers 进行更新（1：只有节点 1 的一条消息）',
  'updates each writer makes, one every --update-every rounds from round 1':
    '每个写入者的更新次数，从第 1 轮起每 --update-every 轮一次',
  'rounds between two updates of one writer': '同一写入者两次更新之间的轮数',
  "the protocol period T': one probe per member per period":
    "协议周期 T'：每个成员每个周期探测一次",
  'no Ack within this: ask k members to probe indirectly (below the period)':
    '在此时间内没有收到 Ack：请 k 个成员间接探测（小于协议周期）',
  'members asked to probe indirectly (PingReq) after a direct probe fails':
    '直接探测失败后被请去间接探测（PingReq）的成员数',
  'suspect before declaring failed (SWIM §4.2); off: a failed probe is a failure':
    '宣布失效前先怀疑（SWIM §4.2）；关闭时探测失败即视为失效',
  'suspicion timeout = this × max(1, log₁₀ n) periods (Lifeguard: its minimum)':
    '怀疑超时 = 此值 × max(1, log₁₀ n) 个周期（Lifeguard：其最小值）',
  'each membership update is piggybacked this × ⌈log₂(n+1)⌉ times':
    '每条成员更新被搭载传播此值 × ⌈log₂(n+1)⌉ 次',
  'Lifeguard (Dadgar et al. 2018): local health multiplier, dogpile suspicion timeouts, buddy system':
    'Lifeguard（Dadgar 等，2018）：本地健康乘数、群起怀疑超时、伙伴机制',
  'transactions the coordinator begins, one every interval': '协调者开始的事务数，每个间隔一个',
  'time between two transactions begun (coordinator clock, ms)':
    '开始两个事务之间的间隔（协调者时钟，毫秒）',
  'chance, in percent, that a cohort votes No (cannot commit its part)':
    '参与者投 No（无法提交自己那部分）的概率，百分比',
  'cohorts (node ids) that vote No on every transaction': '对每个事务都投 No 的参与者（节点 id）',
  'the coordinator aborts a transaction whose votes have not all come by then':
    '到此时选票仍未到齐的事务，协调者将其中止',
  'resend period: the decision to unacknowledged cohorts, an in-doubt question':
    '重发周期：向未确认的参与者重发决定，以及重发不确定状态下的询问',
  'an in-doubt cohort also asks the other cohorts (one that has not voted aborts)':
    '处于不确定状态的参与者也询问其他参与者（尚未投票的参与者会中止）',
  'the coordinator aborts when votes or PreCommit acks are this late; a cohort waits 2× for PreCommit (then aborts) and 3× for the decision once precommitted (then commits)':
    '选票或 PreCommit 确认迟到这么久，协调者就中止；参与者等 PreCommit 两倍时间（随后中止），预提交后等决定三倍时间（随后提交）',
  'period of the timeout checks, and of resending unacknowledged decisions':
    '超时检查的周期，也是重发未确认决定的周期',
  'resource managers (N): one Paxos instance per transaction each':
    '资源管理器数（N）：每个事务中每个资源管理器一个 Paxos 实例',
  'acceptor faults tolerated (F): 2F+1 acceptors, F+1 make a quorum':
    '容忍的接受者故障数（F）：2F+1 个接受者，F+1 个构成法定人数',
  'a leader that has not learned the outcome by then starts a higher ballot; an in-doubt resource manager waits 2× (plus jitter) before leading itself':
    '到此时仍未得知结果的领导者发起更高的选票编号；处于不确定状态的资源管理器等两倍时间（加随机抖动）后自己来领导',
  'period of the timeout checks and of resending outcomes not acknowledged':
    '超时检查的周期，也是重发未确认结果的周期',
  'orders the order service creates, one every interval': '订单服务创建的订单数，每个间隔一个',
  'time between two orders (order service clock, ms)': '两个订单之间的间隔（订单服务时钟，毫秒）',
  'chance, in percent, that an order’s local transaction fails (rolled back)':
    '订单的本地事务失败（回滚）的概率，百分比',
  'how long the order service’s local transaction runs after the half is stored':
    '半消息存储后，订单服务的本地事务运行多久',
  'period of the timeout checks (both sides) and of resending a half message':
    '（双方的）超时检查周期，也是重发半消息的周期',
  'the order service gives an order up when its half is not stored by then':
    '到此时半消息仍未存储，订单服务就放弃该订单',
  'the broker checks back on a half message left this long unresolved':
    '半消息在这么长时间内没有结论，Broker 就发起回查',
  'check-backs per half message before the broker rolls it back (RocketMQ: 15)':
    '每条半消息在 Broker 回滚之前的回查次数（RocketMQ：15）',
  'the broker delivers an order again when its ack is this late':
    '订单的确认迟到这么久，Broker 就再次投递',
  'the broker checks back on half messages whose outcome never came (off: naive)':
    'Broker 对迟迟没有结果的半消息发起回查（关闭：朴素流程）',
  'consumers keep a durable set of the orders applied and skip redeliveries':
    '消费者持久保存已处理订单的集合，跳过重复投递',
  'the message is held until the local transaction commits (off: sent at once)':
    '消息一直保留到本地事务提交（关闭：立即发送）',
  'N: replicas per key': 'N：每个键的副本数',
  'R: replies a read waits for': 'R：一次读等待的回复数',
  'W: acks a write waits for': 'W：一次写等待的确认数',
  'sloppy quorum: count the next healthy nodes when preferred replicas are silent':
    '宽松法定人数：首选副本无响应时，计入其后的健康节点',
  'with --sloppy: a stand-in replica hands its hinted writes to the owner later':
    '需 --sloppy：替身副本稍后把带提示的写入移交给原本的副本',
  'a read writes the merged versions back to the replicas that replied stale':
    '读操作把合并后的版本写回给回复了过时数据的副本',
  'period of replica-to-replica synchronization (0: none)': '副本之间同步的周期（0：不同步）',
  'how long a coordinator waits for R or W replies before giving up (or, sloppy, widening)':
    '协调节点等待 R 或 W 个回复的时间，超时即放弃（宽松模式下则扩大范围）',
  'operations per client': '每个客户端的操作数',
  'distinct keys (k0, k1, …)': '不同键的数量（k0、k1 …）',
  'mean pause between operations': '两次操作之间的平均停顿',
  'clients start no operation after this time (writes stop: quiescence)':
    '此后客户端不再开始新操作（写入停止：系统静止）',
  'each client then reads every key once (what eventual consistency is judged on)':
    '随后每个客户端把每个键读一次（据此判断最终一致性）',
  'sync: the primary applies and answers once every backup has the entry; async: at once, shipping in the background':
    'sync：每个备份都有了该条目后主节点才应用并回答；async：立即回答，在后台发送',
  'how often the master pings each replica': '主控节点 ping 每个副本的间隔',
  'the master removes a replica silent this long': '副本沉默这么久，主控节点就将其移除',
  'how often unacknowledged entries and snapshots are sent again': '重发未确认的条目和快照的间隔',
  'how long a client waits for an answer before giving the operation up':
    '客户端等待回答的时间，超时即放弃该操作',
  'machines in the cluster': '集群中的机器数',
  'jobs in the stream': '作业流中的作业数',
  'mean time between job arrivals (ms)': '作业到达的平均间隔（毫秒）',
  'share of jobs that are long-running service jobs (the rest are batch)':
    '长期运行的服务作业所占比例（其余为批处理作业）',
  "a service task's CPU and memory, in percent of one machine":
    '一个服务任务的 CPU 和内存，占一台机器的百分比',
  "each machine's CPU capacity in millicores": '每台机器的 CPU 容量（毫核）',
  "each machine's memory in MB": '每台机器的内存（MB）',
  'time a scheduler spends deciding where a batch job goes':
    '调度器决定批处理作业放在哪里所花的时间',
  'time a scheduler spends deciding where a service job goes':
    '调度器决定服务作业放在哪里所花的时间',
  'extra decision time per task placed': '每放置一个任务额外的决策时间',
  'a task that fits nowhere may evict lower-priority tasks (Borg §2.5)':
    '哪里都放不下的任务可以驱逐优先级更低的任务（Borg §2.5）',
  'framework schedulers (1 runs the service jobs, the rest share batch jobs)':
    '框架调度器数（1 个负责服务作业，其余分担批处理作业）',
  'the service framework keeps offers it cannot use yet, hoping to add to them':
    '服务框架留着暂时用不上的邀约，指望能凑得更多',
  'the master rescinds an offer held longer than this': '邀约被持有超过这么久，主节点就将其撤回',
  "a machine a framework declined is not offered to it again for this long (Mesos' refuse_seconds)":
    '框架拒绝过的机器在这么长时间内不会再邀约给它（Mesos 的 refuse_seconds）',
  'schedulers sharing the cell (1 takes service jobs, the rest share batch jobs)':
    '共享集群的调度器数（1 个负责服务作业，其余分担批处理作业）',
  'conflict detection: fine (refuse only what no longer fits) or coarse (refuse a commit to a machine that changed since the scheduler looked)':
    '冲突检测：fine（只拒绝已经放不下的）或 coarse（拒绝对调度器查看后发生过变化的机器的提交）',
};
