// Chinese for the registry's option help (each option's one-line description, as `cohort sim
// <name> --help` prints it), keyed by the English text, for the clocks, mutual exclusion,
// locks, elections, consensus and Byzantine agreement. The option's own name stays: it is
// the command line's flag. Shown by i18n/registry-text.ts.

export const ZH_OPTIONS_A: Readonly<Record<string, string>> = {
  'events each node performs': '每个节点执行的事件数',
  'mean time between events (ms)': '事件之间的平均间隔（毫秒）',
  'share of events that are sends (%)': '发送事件所占比例（%）',
  'critical-section requests per node': '每个节点请求进入临界区的次数',
  'mean time inside the critical section (ms)': '在临界区内停留的平均时间（毫秒）',
  'mean time between requests (ms)': '两次请求之间的平均间隔（毫秒）',
  'elect a new coordinator when it fails; it rebuilds the queue from clients':
    '协调者失效时选出新的协调者；它从各客户端重建队列',
  "the coordinator's heartbeat period (with --failover)": '协调者的心跳周期（需 --failover）',
  'fd: a heartbeat failure detector stops waiting for crashed peers':
    'fd：用心跳故障检测器，不再等待已崩溃的节点',
  'heartbeat period of the failure detector (variant fd)': '故障检测器的心跳周期（fd 变体）',
  'the HDFS example: the holder edits a replicated file and ships it':
    'HDFS 例子：持有者编辑一个多副本文件并把它发送出去',
  'how long an idle holder keeps the token before passing it on (ms)':
    '空闲的持有者把令牌传下去之前保留它的时间（毫秒）',
  'the longest process pause the lease assumes (the fault model, ms)':
    '租约所假设的最长进程停顿（故障模型，毫秒）',
  'number of LANs (L)': '局域网数量（L）',
  'nodes per LAN, coordinator included (K); nodes = L·K':
    '每个局域网的节点数，含协调者（K）；节点数 = L·K',
  'how long an idle holder keeps a local token before passing it (ms)':
    '空闲的持有者把本地令牌传下去之前保留它的时间（毫秒）',
  'lock acquisitions per client': '每个客户端获取锁的次数',
  'mean time between acquisitions (ms)': '两次获取之间的平均间隔（毫秒）',
  'lease time to live (ms), measured on the granting node':
    '租约的有效期（毫秒），以授予节点的时钟计',
  'longest process pause the holder’s timing assumes (the fault model’s bound)':
    '持有者的计时所假设的最长进程停顿（故障模型的上限）',
  'the storage rejects a write whose token is older than the newest it has seen':
    '存储拒绝令牌比它见过的最新令牌更旧的写入',
  'writes a holder makes per lease (each after a unit of work)':
    '持有者在每个租约内的写入次数（每完成一份工作写一次）',
  'work before each write (the check of the lease comes before it)':
    '每次写入前的工作时间（租约检查在工作之前）',
  'independent lock instances (nodes 1..N); clients are the nodes after them':
    '独立的锁实例数（节点 1..N）；其后的节点是客户端',
  'mean time a client holds the lock': '客户端持有锁的平均时间',
  'how long an attempt waits for a majority before releasing everywhere':
    '一次尝试等待多数派的时间，超时后在所有实例上释放',
  'every waiter watches the lock holder instead of its predecessor (herd effect)':
    '每个等待者都监视锁的持有者而不是自己的前驱（羊群效应）',
  'a session without a ping for this long (coordinator clock) expires':
    '会话在这么长时间内没有 ping（以协调服务器时钟计）即过期',
  'how often a client pings its session': '客户端 ping 自己会话的间隔',
  "the leader's heartbeat period; silence for 4 periods + 100 ms is a failure":
    '领导者的心跳周期；沉默 4 个周期 + 100 毫秒即视为失效',
  "rank by node id, or by last-operation timestamp (MongoDB's variant)":
    '按节点 id 排名，或按最近一次操作的时间戳排名（MongoDB 的变体）',
  'last-operation timestamps of nodes 1..n (with --id-source lastop)':
    '节点 1..n 最近一次操作的时间戳（需 --id-source lastop）',
  'a leader needs a majority behind it: the smaller side of a split steps down':
    '领导者背后需要多数派：分裂时较小的一侧退位',
  'how long the round lasts before each node decides': '每个节点作出决定之前这一轮持续的时间',
  'notes: append every id; chang-roberts: forward only larger ids':
    'notes：追加每个 id；chang-roberts：只转发更大的 id',
  "the coordinator's heartbeat period; 4 silent periods + 100 ms is a failure":
    '协调者的心跳周期；沉默 4 个周期 + 100 毫秒即视为失效',
  'last zxid of servers 1..n (default 0)': '服务器 1..n 的最后 zxid（默认 0）',
  'current epoch of servers 1..n (default 1)': '服务器 1..n 的当前纪元（默认 1）',
  'ids of observers (no vote, never lead)': '观察者的 id（不投票，从不当领导者）',
  'voting weights of servers 1..n (a quorum weighs more than half)':
    '服务器 1..n 的投票权重（法定人数的权重超过一半）',
  '§5.2': '论文 §5.2（选举超时）',
  'leader heartbeat': '领导者心跳',
  'dissertation §9.6 pre-vote': '博士论文 §9.6 的预投票',
  'leaders step down without a live quorum; voters honour a leader lease (§9.6)':
    '没有存活的多数派时领导者退位；投票者尊重领导者租约（§9.6）',
  "'paxos' (Paxos Made Simple) or 'seed-notes' (promises report the last PREPARED proposal)":
    "'paxos'（Paxos Made Simple）或 'seed-notes'（承诺回报最后一个已准备的提案）",
  'the nodes that propose': '提议者节点',
  "each proposer's value, in the order of --proposers (default: its own id)":
    '每个提议者的值，按 --proposers 的顺序（默认：自己的 id）',
  'the acceptors (default: every node)': '接受者（默认：所有节点）',
  'a ballot without progress for this long (plus jitter) is retried higher':
    '一轮提案在这么长时间（加随机抖动）内没有进展，就用更高的编号重试',
  'base of the randomized exponential backoff after a Nack': '收到 Nack 后随机指数退避的基数',
  'a learner that has learned nothing asks its peers this often':
    '尚未学到任何值的学习者向其他节点询问的间隔',
  'commands per client': '每个客户端的命令数',
  'distinct keys the workload uses': '负载使用的不同键的数量',
  'mean pause between a client’s commands': '客户端两条命令之间的平均停顿',
  'a follower that hears no leader for this long (to twice it) runs phase 1':
    '跟随者在这么长时间（到两倍）内没听到领导者，就运行阶段一',
  'a client re-submits a command that has not completed after this long':
    '命令在这么长时间后仍未完成，客户端就重新提交',
  'client nodes (the last ids); --nodes counts servers and clients':
    '客户端节点数（最后的几个 id）；--nodes 同时计入服务器和客户端',
  'servers (before the clients) left out of the first configuration':
    '不在初始配置中的服务器数（排在客户端之前）',
  'ops per client': '每个客户端的操作数',
  'mean client pause': '客户端的平均停顿',
  'a client retries (at the next server) after this long without an answer':
    '客户端在这么长时间内没有收到回答，就（向下一台服务器）重试',
  'the first client also adds/removes servers and transfers leadership':
    '第一个客户端还会增删服务器并转移领导权',
  'with configChanges, the first client also adds learners and promotes them':
    '开启 configChanges 时，第一个客户端还会添加学习者并将其提升',
  'operator guard: a remove-server leaving fewer voters is rejected':
    '运维保护：会让投票者少于此数的移除服务器操作被拒绝',
  'linearizable reads by ReadIndex, or by leader lease (needs check-quorum) §6.4':
    '可线性化读：用 ReadIndex，或用领导者租约（需 check-quorum）§6.4',
  'lease reads assume clocks drift apart by at most this many parts per million':
    '租约读假设时钟之间的漂移不超过百万分之这么多',
  'snapshot once this many applied entries follow the last snapshot (0 = never)':
    '上次快照之后已应用的条目达到这么多就做快照（0 = 从不）',
  'a client session idle this long in log time expires (§6.3)':
    '客户端会话按日志时间空闲这么久即过期（§6.3）',
  'beyond this many client sessions the least recently used expire (§6.3)':
    '客户端会话超过这么多时，最久未使用的过期（§6.3）',
  "a follower forwards its host's commands to the leader (etcd's proposal forwarding)":
    '跟随者把本机的命令转发给领导者（etcd 的提案转发）',
  'the leader sends new entries while it writes them, counting its own copy once durable (dissertation §10.2.1)':
    '领导者一边写入新条目一边发送，自己的副本持久化后才计入（博士论文 §10.2.1）',
  'pipelined appends': '流水线中同时在途的追加请求数',
  'entries per append': '每次追加的条目数',
  'operations per server': '每台服务器的操作数',
  'mean pause': '平均停顿',
  'ids of observers (learn, never vote)': '观察者的 id（只学习，从不投票）',
  'voting weights of servers 1..n': '服务器 1..n 的投票权重',
  'traitors to tolerate (rounds)': '要容忍的叛徒数（轮数）',
  'the commanding general': '担任司令的将军',
  "the commander's order (a traitor commander distorts it)": '司令的命令（叛徒司令会歪曲它）',
  'the traitors (the commander may be one)': '叛徒（司令也可能是）',
  "traitors' behaviour: lie to half (even ids), invert, stay silent, or random":
    '叛徒的行为：对一半人（偶数 id）说谎、颠倒命令、保持沉默或随机',
  'the synchronous bound: every message arrives within this time':
    '同步上限：每条消息都在这段时间内到达',
  'the Byzantine replicas (at most f to be safe)': '拜占庭副本（至多 f 个才能保证安全）',
  'Byzantine replicas stay silent, or (as primary) send conflicting pre-prepares':
    '拜占庭副本保持沉默，或（作为主节点时）发出相互矛盾的 pre-prepare',
  'requests per client': '每个客户端的请求数',
  'pause between requests': '两次请求之间的停顿',
  'a backup waits this long for a request to execute before a view change':
    '备份节点等待请求执行的时间，超时即发起视图变更',
  'a client without f+1 matching replies broadcasts its request again':
    '没有收到 f+1 个一致回复的客户端重新广播它的请求',
};
