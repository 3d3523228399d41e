// Explanations of the locks family (distributed locks, notes 001 §2.4 and 003 分布式锁): a
// lease lock server with fencing, Redlock and the ZooKeeper/etcd queue recipe. Data only;
// the shape is types.ts.

import type { Explanation } from './types.js';

export const lockExplanations: Readonly<Record<string, Explanation>> = {
  'locks/lease-lock': {
    what: {
      en: 'A lock server grants the lock as a lease with a time to live, so a holder that dies cannot keep it forever — the notes’ “lock expiry, to prevent deadlock”. The holder does work and writes to a storage node while it believes its lease still runs. The lesson is Kleppmann’s: a lease alone is not enough, because a holder paused (by GC) or with a slow clock can wake after its lease ran out and write over a newer holder. With --fencing every grant carries an increasing token and the storage refuses writes with a token older than the newest it has seen.',
      zh: '锁服务器以带过期时间的租约形式授予锁，持有者即使崩溃也不会永远占着锁——即笔记所说的“具备锁失效机制，防止死锁”。持有者在自认为租约有效期间工作并写入存储节点。要演示的是 Kleppmann 的结论：只有租约不够，因为被 GC 暂停或时钟变慢的持有者可能在租约过期后醒来，覆盖新持有者的写入。加上 --fencing 后，每次授权带一个递增的令牌，存储拒绝令牌比已见过的最新令牌更旧的写入。',
    },
    invariants: {
      en: 'No write from a stale holder: the storage never applies a write whose lease had expired before a newer holder wrote; and no entry without a request. Within the fault model the holder checks its remaining budget before each write; fencing makes the storage enforce it whatever the holder believes.',
      zh: '不接受过期持有者的写入：存储不会应用租约已过期、且已有新持有者写入之后的写操作；没有请求不进入。在故障模型内，持有者每次写之前检查剩余的租约时间；fencing 则让存储强制执行，不论持有者怎么认为。',
    },
    faultModel: {
      en: 'Every fault, given pauses up to 100 ms, clock drift within ±5% and message delay up to 40 ms: the holder’s lease budget counts on all three. The gc-pause and clock-drift scenarios break those bounds and the stale write lands — unless --fencing is on. A restarted server forgot its leases, so it grants nothing for one TTL.',
      zh: '容忍所有故障，前提是暂停不超过 100 ms、时钟漂移在 ±5% 以内、消息延迟不超过 40 ms：持有者的租约预算依赖这三者。gc-pause 和 clock-drift 场景突破了这些界限，过期写入就会生效——除非开启 --fencing。服务器重启后忘记了租约，所以在一个 TTL 内不授予任何锁。',
    },
    messages: {
      en: '3 + 2w per acquire: Acquire, Granted, Release, and a Write with its WriteReply for each of w writes; 2 more when the client queued (Ready and the fresh Acquire that answers it).',
      zh: '每次获取 3 + 2w 条：Acquire、Granted、Release，外加 w 次写入各一条 Write 和 WriteReply；排过队的再加 2 条（Ready 和随后新的 Acquire）。',
    },
    passage: {
      source: '001 §2.4.2 基于缓存实现分布式锁',
      zh: 'Redis 锁主要基于 setnx 函数实现分布式锁，当进程通过 setnx 函数返回 1 时，表示已经获得锁。排在后面的进程只能等待前面的进程主动释放锁，或者等到时间超时才能获得锁。',
      en: 'Redis locks are built mainly on the setnx function: when setnx returns 1 the process has the lock. Processes behind it can only wait for the one ahead to release the lock, or for it to time out, before they get it.',
    },
  },
  'locks/redlock': {
    what: {
      en: 'Redlock removes the single lock server: a client tries to lock the same key on N independent instances, and holds the lock only if it got a majority (N/2 + 1) within less than the TTL minus clock drift; otherwise it releases everywhere. A minority of instances may be down. The scenarios show Kleppmann’s critique: the safety rests on clocks — if a majority of instances’ clocks jump forward, their keys expire early and a second client locks them while the first still holds.',
      zh: 'Redlock 去掉了单一的锁服务器：客户端在 N 个互相独立的实例上尝试对同一个键加锁，只有在小于“过期时间减去时钟漂移”的时间内从大多数（N/2 + 1）实例上拿到锁，才算获得锁；否则到每个实例上释放。少数实例宕机也不影响。场景展示了 Kleppmann 的批评：安全性依赖时钟——如果多数实例的时钟向前跳，它们的键提前过期，第二个客户端就能在第一个仍持有时拿到锁。',
    },
    invariants: {
      en: 'Mutual exclusion (at most one client holding) and no hold without a request. Two majorities share an instance, and an instance holds one key until it expires; the holder counts its validity from before its first request, minus drift, so the key outlives its use.',
      zh: '互斥（至多一个客户端持有锁）、没有请求不持有。两个多数派必然有一个共同实例，而实例在键过期前只持有一个键；持有者从第一个请求发出前开始计算有效期并减去漂移，所以键的寿命长于它的使用时间。',
    },
    faultModel: {
      en: 'Every fault, with pauses up to 100 ms and clock drift within ±5% on every node: keys expire by each instance’s own clock and the holder’s validity counts on both. Message delays are unbounded — a late grant only shortens the validity. A clock jump on a majority breaks it; on a minority it does not.',
      zh: '容忍所有故障，前提是每个节点暂停不超过 100 ms、时钟漂移在 ±5% 以内：键按各实例自己的时钟过期，持有者的有效期依赖这两点。消息延迟不设上限——迟到的授权只会缩短有效期。多数实例的时钟跳变会破坏安全；少数实例则不会。',
    },
    messages: {
      en: '3N per attempt: Lock, LockReply and Unlock with each of the N instances.',
      zh: '每次尝试 3N 条：与 N 个实例各交换 Lock、LockReply 和 Unlock。',
    },
    passage: {
      source: '003 分布式锁 · Redis 的 RedLock 算法',
      zh: '使用了多个 Redis 实例来实现分布式锁，这是为了保证在发生单点故障时仍然可用。……计算获取锁消耗的时间，只有当这个时间小于锁的过期时间，并且从大多数（N / 2 + 1）实例上获取了锁，那么就认为锁获取成功了；',
      en: 'It uses several Redis instances for the distributed lock, so that it stays available when one of them fails. … Measure the time taken to acquire the lock; only if it is less than the lock’s expiry time and the lock was obtained on a majority (N / 2 + 1) of the instances is the lock considered acquired;',
    },
  },
  'locks/znode-queue': {
    what: {
      en: 'The ZooKeeper/etcd lock recipe: each client creates an ephemeral sequential entry under the lock; the lowest entry holds the lock, and every other client watches only its predecessor, so a release wakes exactly one waiter. Entries belong to sessions kept alive by pings; a client whose session expires loses its entry, so a dead holder frees the lock by itself. --herd makes every waiter watch the holder instead, to show the herd effect the notes warn about: each release wakes everyone.',
      zh: 'ZooKeeper/etcd 的锁方案：每个客户端在锁目录下创建临时顺序节点；序号最小的节点持有锁，其他客户端只监听自己的前一个节点，所以释放时恰好唤醒一个等待者。节点属于会话，会话靠心跳维持；会话超时的客户端失去它的节点，所以崩溃的持有者会自动释放锁。--herd 让每个等待者都监听持有者，以展示笔记警告的羊群效应：每次释放都会唤醒所有人。',
    },
    invariants: {
      en: 'Mutual exclusion among live sessions, mutual exclusion outright, FIFO (the lock is granted in entry order) and no entry without a request. The server orders entries by sequence number and deletes an expired session’s entries; a client holds only when its entry is the lowest.',
      zh: '存活会话之间互斥、绝对互斥、先进先出（按节点创建顺序授予锁）、没有请求不进入。服务器按序号排列节点并删除过期会话的节点；客户端只有在自己的节点序号最小时才持有锁。',
    },
    faultModel: {
      en: 'Every fault, with pauses up to 100 ms and drift within ±5%: a holder gives the lock up before its session can expire only if it runs in time. Mutual exclusion among live sessions and FIFO order need no bound at all.',
      zh: '容忍所有故障，前提是暂停不超过 100 ms、漂移在 ±5% 以内：持有者只有及时运行，才能在会话过期前交出锁。存活会话之间的互斥和先进先出顺序不需要任何界限。',
    },
    messages: {
      en: '4 per acquire (Create, Created, Delete, Deleted) + 3 per wake-up (Notify, Check, CheckReply): with the recipe a release wakes one waiter, ≤ 7 per acquire; with --herd every waiter, O(n) per acquire. Session pings apart.',
      zh: '每次获取 4 条（Create、Created、Delete、Deleted），每次唤醒 3 条（Notify、Check、CheckReply）：按方案每次释放唤醒一个等待者，每次获取 ≤ 7 条；--herd 时唤醒所有等待者，每次 O(n) 条。会话心跳另计。',
    },
    passage: {
      source: '003 分布式锁 · Zookeeper 的有序节点',
      zh: '客户端获取 /lock 下的子节点列表，判断自己创建的子节点是否为当前子节点列表中序号最小的子节点，如果是则认为获得锁；否则监听自己的前一个子节点，获得子节点的变更通知后重复此步骤直至获得锁；……一个节点未获得锁，只需要监听自己的前一个子节点，这是因为如果监听所有的子节点，那么任意一个子节点状态改变，其它所有子节点都会收到通知（羊群效应），而我们只希望它的后一个子节点收到通知。',
      en: 'The client lists the children of /lock and checks whether the child it created has the lowest sequence number; if so it has the lock; otherwise it watches the child just before its own and, when notified of a change, repeats this step until it gets the lock; … A node without the lock need only watch its predecessor, because if it watched all children every change to any of them would notify all the others (the herd effect), whereas we want only the next one notified.',
    },
  },
};
