// Explanations of the txn family (distributed transactions, notes 001 §2.3.1–2.3.3, 003
// 分布式事务): two-phase commit, three-phase commit, Paxos Commit and transactional messages.
// Data only; the shape is types.ts.

import type { Explanation } from './types.js';

const ATOMIC_EN =
  'Atomicity: every cohort that decides a transaction decides it the same way — all commit or all abort; and a commit happens only if every cohort voted yes.';
const ATOMIC_ZH =
  '原子性：对同一事务做出决定的参与者，决定都相同——要么全部提交，要么全部回滚；并且只有每个参与者都投了 Yes 才会提交。';

export const txnExplanations: Readonly<Record<string, Explanation>> = {
  'txn/2pc': {
    what: {
      en: 'Two-phase commit (两阶段提交) makes a transaction across several resource managers all-or-nothing. Phase 1, voting: the coordinator (协调者, the transaction manager) sends CanCommit; each cohort (参与者) executes its part, logs undo/redo without committing and votes Yes or No. Phase 2, commit: all Yes — DoCommit; any No or a missing vote — DoAbort; cohorts finish, release their locks and answer HaveCommitted. Its problems are the lesson: cohorts block holding locks while they wait, the coordinator is a single point of failure, a DoCommit that reaches only some cohorts leaves them inconsistent for a while, and any single No aborts everything.',
      zh: '两阶段提交让跨多个资源管理器的事务“要么全做，要么全不做”。第一阶段投票：协调者（事务管理器）发送 CanCommit；每个参与者执行自己的操作，把 undo/redo 记入事务日志但不提交，然后回复 Yes 或 No。第二阶段提交：全部 Yes 就发 DoCommit；有 No 或缺票就发 DoAbort；参与者完成操作、释放资源并回复 HaveCommitted。它的问题正是要学习的：参与者持锁等待而同步阻塞，协调者是单点故障，DoCommit 只到达部分参与者时会暂时数据不一致，任意一个 No 都会让整个事务回滚。',
    },
    invariants: {
      en: `${ATOMIC_EN} It holds because a cohort that voted Yes never decides alone — it waits for the coordinator’s logged decision — and the coordinator decides commit only with every Yes in hand.`,
      zh: `${ATOMIC_ZH}之所以成立，是因为投了 Yes 的参与者从不自行决定——它等待协调者记入日志的决定——而协调者只在集齐所有 Yes 后才决定提交。`,
    },
    faultModel: {
      en: 'No assumption for safety: the prepared record and the decision are durable before the messages that rely on them, so crashes, loss and partitions cannot split a decision. Liveness needs the coordinator back: while it is down, prepared cohorts stay in doubt holding their locks (blocking-in-phase-2), forever if it never returns. Cooperative termination helps only if some cohort has not voted.',
      zh: '安全不需要任何假设：准备记录和决定在依赖它们的消息发出之前已持久化，所以崩溃、丢包和分区都不会让决定分裂。活性需要协调者恢复：它宕机期间，已准备的参与者持锁处于不确定状态（blocking-in-phase-2），它永不恢复则永远如此。协作终止只在某个参与者尚未投票时才有帮助。',
    },
    messages: {
      en: '4N per transaction with N cohorts: CanCommit, Vote, DoCommit or DoAbort, HaveCommitted.',
      zh: 'N 个参与者时每个事务 4N 条：CanCommit、Vote、DoCommit 或 DoAbort、HaveCommitted。',
    },
    passage: {
      source: '001 §2.3.1 基于 XA 协议的二阶段提交协议方法',
      zh: '第一阶段投票：在这一阶段，协调者（Coordinator，即事务管理器）会向事务的参与者（Cohort，即本地资源管理器）发起执行操作的 CanCommit 请求，并等待参与者的响应。参与者接收到请求后，会执行请求中的事务操作，将操作信息记录到事务日志中但不提交（即不会修改数据库中的数据），待参与者执行成功，则向协调者发送“Yes”消息，表示同意操作；若不成功，则发送“No”消息，表示终止操作',
      en: 'Phase one, voting: the coordinator (the transaction manager) sends the transaction’s cohorts (the local resource managers) a CanCommit request to perform the operation and waits for their answers. A cohort that receives it executes the transaction’s operations and records them in its transaction log without committing (it does not change the data in the database); if it succeeds it sends “Yes” to the coordinator, agreeing; if not, “No”, to abort.',
    },
  },
  'txn/3pc': {
    what: {
      en: 'Three-phase commit splits 2PC’s voting in two and adds timeouts on both sides. CanCommit only asks whether a cohort could commit; PreCommit makes it execute and log, and Ack; DoCommit commits. A cohort that has acknowledged PreCommit and then hears nothing commits by itself when its timeout expires, and one that voted but saw no PreCommit aborts — so a coordinator crash no longer blocks the cohorts. The price: under a partition a cut-off cohort may commit by timeout while the others abort, the inconsistency the notes describe.',
      zh: '三阶段提交把 2PC 的投票阶段一分为二，并在协调者和参与者双方都引入超时。CanCommit 只询问参与者能否提交；PreCommit 让参与者执行并记日志，然后回复 Ack；DoCommit 正式提交。参与者回复 PreCommit 的 Ack 后若长时间收不到消息，超时后会自动提交；投了票却没收到 PreCommit 的则回滚——所以协调者崩溃不再阻塞参与者。代价是：网络分区时，被隔离的参与者可能超时提交，而其他参与者回滚，也就是笔记所说的数据不一致。',
    },
    invariants: {
      en: `${ATOMIC_EN} Inside the model a cohort commits by timeout only after PreCommit, which the coordinator sends only with every Yes, and any abort decision comes before any PreCommit could be acknowledged.`,
      zh: `${ATOMIC_ZH}在模型内，参与者只有在收到 PreCommit 之后才会超时提交，而协调者只在集齐所有 Yes 后才发 PreCommit。`,
    },
    faultModel: {
      en: 'A synchronous network: no loss, no crash, pause or partition; only delay (up to 40 ms, within the timeouts) and duplication — a cohort that times out decides on the coordinator’s behalf, which is safe only if silence really means a crash. The scenarios crash the coordinator anyway (no blocking) and cut a cohort off (divergence).',
      zh: '同步网络：没有丢包、崩溃、暂停或分区；只有延迟（不超过 40 ms，在超时之内）和重复——超时的参与者代协调者做决定，只有沉默确实意味着崩溃时才安全。场景仍然让协调者崩溃（不阻塞），并隔离一个参与者（数据分歧）。',
    },
    messages: {
      en: '6N per committed transaction (CanCommit, Vote, PreCommit, Ack, DoCommit, HaveCommitted), 4N for one aborted at the vote (CanCommit, Vote, Abort, HaveCommitted).',
      zh: '每个提交的事务 6N 条（CanCommit、Vote、PreCommit、Ack、DoCommit、HaveCommitted），在投票阶段回滚的事务 4N 条（CanCommit、Vote、Abort、HaveCommitted）。',
    },
    passage: {
      source: '001 §2.3.2 三阶段提交协议方法',
      zh: '3PC 协议在协调者和参与者均引入了超时机制。即当参与者在预提交阶段向协调者发送 Ack 消息后，如果长时间没有得到协调者的响应，在默认情况下，参与者会自动将超时的事务进行提交，从而减少整个集群的阻塞时间，在一定程度上减少或减弱了 2PC 中出现的同步阻塞问题。',
      en: '3PC adds timeouts to both the coordinator and the cohorts: after a cohort sends its Ack in the pre-commit phase, if it hears nothing from the coordinator for a long time it commits the timed-out transaction by default, shortening the time the cluster is blocked and easing, to a degree, the synchronous blocking of 2PC.',
    },
  },
  'txn/paxos-commit': {
    what: {
      en: 'Gray and Lamport’s answer to 2PC’s blocking: each resource manager’s vote (Prepared or Aborted) is decided by its own Paxos instance on 2F + 1 acceptors instead of being told to one coordinator. The transaction commits if every instance chose Prepared. With the transaction manager and up to F acceptors down, an in-doubt resource manager leads a higher ballot itself, learns every instance’s outcome from the surviving acceptors — proposing Aborted for an instance nobody decided — and finishes. 2PC is the special case F = 0.',
      zh: 'Gray 和 Lamport 对 2PC 阻塞问题的回答：每个资源管理器的投票（Prepared 或 Aborted）不再只告诉一个协调者，而是由它自己的 Paxos 实例在 2F + 1 个接受者上决定。所有实例都选定 Prepared 时事务提交。事务管理器和至多 F 个接受者宕机时，处于不确定状态的资源管理器自己发起更高的轮次，从剩下的接受者处得知每个实例的结果——对无人决定的实例提议 Aborted——然后完成事务。2PC 是 F = 0 的特例。',
    },
    invariants: {
      en: `${ATOMIC_EN} Each vote is a Paxos-chosen value, so every resource manager learns the same set of votes, and the outcome is a function of that set.`,
      zh: `${ATOMIC_ZH}每张投票都是 Paxos 选定的值，所以每个资源管理器得知的是同一组投票，而结果由这组投票唯一决定。`,
    },
    faultModel: {
      en: 'None for safety (Paxos: durable promises and acceptances, one value per ballot). Liveness needs F + 1 acceptors and the TM or an in-doubt RM up: with the TM and F acceptors down it commits where 2PC would block; with more than F acceptors down the RMs stay in doubt.',
      zh: '安全不需要任何假设（Paxos：承诺和接受持久化，每轮一个值）。活性需要 F + 1 个接受者以及事务管理器或某个不确定的资源管理器存活：事务管理器和 F 个接受者宕机时仍能提交，而 2PC 会阻塞；超过 F 个接受者宕机时资源管理器保持不确定。',
    },
    messages: {
      en: 'N(4F + 5) per transaction: N Prepare, N(2F + 1) phase 2a and N(2F + 1) phase 2b (one per instance, unbundled), N Commit/Abort, N Ack. The paper counts (N + 1)(F + 3) − 4 with co-located TM and acceptors, bundled 2b and no acks.',
      zh: '每个事务 N(4F + 5) 条：N 条 Prepare、N(2F + 1) 条 phase 2a 和 N(2F + 1) 条 phase 2b（每个实例一条，不合并）、N 条 Commit/Abort、N 条 Ack。论文在事务管理器与接受者同机、2b 合并且无确认时计为 (N + 1)(F + 3) − 4。',
    },
    passage: {
      source: '001 §2.3.1 基于 XA 协议的二阶段提交协议方法',
      zh: '单点故障问题：该算法类似于集中式算法，一旦事务管理器发生故障，整个系统都处于停滞状态。尤其是在提交阶段，一旦事务管理器发生故障，资源管理器会由于等待管理器的消息，而一直锁定事务资源，导致整个系统被阻塞。',
      en: 'Single point of failure: like the centralized algorithm, once the transaction manager fails the whole system stalls. Above all in the commit phase, if the transaction manager fails, the resource managers keep the transaction’s resources locked while they wait for its message, and the whole system is blocked.',
    },
  },
  'txn/transactional-message': {
    what: {
      en: 'Eventual consistency through a message queue (RocketMQ’s transactional messages) instead of locking everyone at once. The order service first stores a half message at the broker — held, not delivered; then runs its local transaction and reports Commit or Rollback. Only a committed message is delivered, to payment and then inventory, each applying it once (a durable dedup set) and acknowledging; unacknowledged deliveries are repeated. If the report is lost, the broker checks back with the order service, which answers from its order table. The naive scenarios switch each safeguard off and show what breaks.',
      zh: '通过消息队列实现最终一致性（RocketMQ 事务消息），而不是同时锁住所有系统。订单系统先把半消息存到消息中间件——只保存，不投递；然后执行本地事务，并报告提交或回滚。只有提交的消息才会依次投递给支付系统和库存系统，每个消费者只应用一次（持久的去重集合）并确认；未确认的投递会重发。如果报告丢失，消息中间件会向订单系统回查，订单系统根据订单表作答。各个 naive 场景分别关掉一项保障，展示会出什么问题。',
    },
    invariants: {
      en: 'No consumer acts on a rolled-back order; no order is consumed twice; consumers act in the chain’s order (payment before inventory); the broker resolves each half message as the local transaction ended. Liveness: every local transaction ends, every half message is resolved, every committed order is consumed by every consumer.',
      zh: '没有消费者处理已回滚的订单；没有订单被消费两次；消费者按链上顺序处理（先支付后库存）；消息中间件对每条半消息的处理与本地事务的结果一致。活性：每个本地事务都会结束，每条半消息都会被处理，每个已提交的订单都被每个消费者消费。',
    },
    faultModel: {
      en: 'Every fault, assuming the order service answers a check-back within checkMaxAttempts × checkIntervalMs (4500 ms), after which the broker rolls the half back; liveness needs the nodes back and links healed. check-back-exhausted shows the bound broken: a locally committed order is never delivered.',
      zh: '容忍所有故障，前提是订单系统在 checkMaxAttempts × checkIntervalMs（4500 ms）内回答回查，超过后消息中间件回滚半消息；活性需要节点恢复、链路修复。check-back-exhausted 场景突破了这个界限：本地已提交的订单永远不会被投递。',
    },
    messages: {
      en: '3 per order (Half, HalfAck, Commit/Rollback) + 2C per committed order (Deliver and Ack to each of C consumers) + 2 per check-back (CheckBack, CheckBackReply).',
      zh: '每个订单 3 条（Half、HalfAck、Commit/Rollback），每个已提交订单再加 2C 条（向 C 个消费者各发 Deliver 并收 Ack），每次回查 2 条（CheckBack、CheckBackReply）。',
    },
    passage: {
      source: '001 §2.3.3 基于消息的最终一致性方法',
      zh: '订单系统把订单消息发给消息中间件，消息状态标记为“待确认”。\n\n2. 消息中间件收到消息后，进行消息持久化操作，即在消息存储系统中新增一条状态为“待发送”的消息。',
      en: 'The order system sends the order message to the message middleware, marked “awaiting confirmation”. 2. On receiving it the middleware persists it, adding to its message store a message in the state “awaiting sending”.',
    },
  },
};
