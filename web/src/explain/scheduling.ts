// Explanations of the scheduling family (note 001 §3.3–3.4 分布式调度架构): Borg-style
// monolithic, Mesos-style two-level and Omega-style shared-state schedulers, all on one
// cluster and job stream. Data only; the shape is types.ts.

import type { Explanation } from './types.js';

const NO_OVERCOMMIT_EN =
  'No machine is over-committed — every placed task fits in what its machine has free — and no task runs twice at once.';
const NO_OVERCOMMIT_ZH =
  '没有机器被超额分配——每个放置的任务都在机器空闲资源之内——且没有任务同时运行两次。';
const DONE_EN = 'Liveness: every job that fits is placed and runs to completion.';
const DONE_ZH = '活性：每个放得下的作业都会被放置并运行完成。';
const NO_FORMULA_EN =
  'No formula is declared: the costs measured are scheduling delay (waitP99 for batch and service jobs) and, per architecture, preemptions, offers and rescinds, or conflicts — see the metrics.';
const NO_FORMULA_ZH =
  '没有声明公式：度量的代价是调度等待时间（批处理与服务作业的 waitP99），以及各架构各自的抢占次数、资源邀约与撤回次数或冲突次数——见指标。';

export const schedulingExplanations: Readonly<Record<string, Explanation>> = {
  'scheduling/monolithic': {
    what: {
      en: 'One scheduler process for the whole cluster, as in Borg and Kubernetes: jobs wait in one queue; for each, the scheduler filters the machines that could run its tasks (feasibility) and scores them to pick the best (“filter feasible, score for the best”), then launches the tasks there. A task that fits nowhere may evict lower-priority tasks. It sees everything, so its choices are good — but it decides one job at a time, so a slow decision (a service job with constraints) makes every batch job behind it wait: head-of-line blocking.',
      zh: '整个集群只有一个调度进程，就像 Borg 和 Kubernetes：作业在一个队列中等待；调度器对每个作业先筛选能运行其任务的机器（可行性检查），再评分选出最优者（“筛选可行，评分取优”），然后在那里启动任务。放不下的任务可以抢占低优先级任务。它掌握全局，所以选择质量高——但一次只决定一个作业，一个慢的决策（带约束的服务作业）会让后面所有批处理作业等待：队头阻塞。',
    },
    invariants: { en: `${NO_OVERCOMMIT_EN} ${DONE_EN}`, zh: `${NO_OVERCOMMIT_ZH}${DONE_ZH}` },
    faultModel: {
      en: 'Delay, duplication, reordering, pauses and drift — no message loss and no crashes: the scheduler trusts its own bookkeeping. The reordered-network scenario shows preempting Launches overtaking their victims’ without a task starting twice.',
      zh: '容忍延迟、重复、乱序、暂停和时钟漂移——不容忍丢包和崩溃：调度器信任自己的账本。reordered-network 场景展示了抢占的 Launch 超过其受害者的 Launch，而没有任务启动两次。',
    },
    messages: { en: NO_FORMULA_EN, zh: NO_FORMULA_ZH },
    passage: {
      source: '001 §3.3 分布式调度架构之单体调度',
      zh: 'Borg 调度算法Borg 调度算法的核心思想是“筛选可行，评分取优”，具体包括两个阶段：可行性检查，找到一组可以运行任务的机器（即上图中的 Borglet）；评分，从可行的机器中选择一个合适的机器（即上图中的 Borglet）',
      en: 'The Borg scheduling algorithm’s core idea is “filter the feasible, score for the best”, in two stages: a feasibility check finds a set of machines that can run the task (the Borglets in the figure); scoring picks a suitable one among the feasible machines.',
    },
  },
  'scheduling/two-level': {
    what: {
      en: 'Mesos-style two-level scheduling separates resources from tasks: the master (first level) only manages resources and offers every free, unfiltered resource to the hungry framework with the lowest dominant share (DRF, dominant resource fairness); each framework’s own scheduler (second level) matches its tasks to the offers it receives, accepting some and declining the rest. The frameworks never see the whole cluster, which shows in the scenarios: a framework needing large machines is offered only fragments and starves, and one that hoards fragments locks them away from others until the master rescinds.',
      zh: 'Mesos 式两层调度把资源与任务分开调度：第一层的 master 只负责管理资源，按主导资源公平算法（DRF）把所有空闲、未被过滤的资源邀约给主导份额最低且有需求的框架；第二层是各框架自己的调度器，把任务与收到的邀约匹配，接受一部分、拒绝其余。框架看不到整个集群，场景中可以看到后果：需要大机器的框架只被邀约零碎资源而饥饿，囤积零碎资源的框架让别人拿不到，直到 master 撤回邀约。',
    },
    invariants: {
      en: `${NO_OVERCOMMIT_EN} The master offers and launches only what is free: an offered resource is locked until it is answered or rescinded. ${DONE_EN}`,
      zh: `${NO_OVERCOMMIT_ZH}master 只邀约和启动空闲的资源：被邀约的资源在得到答复或被撤回之前处于锁定状态。${DONE_ZH}`,
    },
    faultModel: {
      en: 'Delay, duplication, reordering, pauses and drift — no message loss and no crashes: an Accept or a task report is never lost. Duplicated Accepts and stale Hungry messages launch nothing twice.',
      zh: '容忍延迟、重复、乱序、暂停和时钟漂移——不容忍丢包和崩溃：Accept 和任务报告从不丢失。重复的 Accept 和过期的 Hungry 消息不会让任何任务启动两次。',
    },
    messages: { en: NO_FORMULA_EN, zh: NO_FORMULA_ZH },
    passage: {
      source: '001 §3.4 分布式调度架构之两层调度',
      zh: '两层调度器中的第一层调度器仍是一个经简化的中央调度器，通常放在分布式集群管理系统中，而第二层调度则是由各个应用程序框架完成。两层调度器的职责分别是：第一层调度器负责管理资源并向框架分配资源，第二层调度器接收分布式集群管理系统中第一层调度器分配的资源，然后根据任务和接收到的资源进行匹配。',
      en: 'In two-level scheduling the first level is still a simplified central scheduler, usually part of the cluster manager, while the second level is done by each application framework. The first-level scheduler manages resources and allocates them to frameworks; the second-level scheduler receives the resources the first level allocated and matches its tasks to them.',
    },
  },
  'scheduling/shared-state': {
    what: {
      en: 'Omega-style shared-state scheduling: several schedulers each keep a copy of the whole cluster’s state, decide in parallel on their own snapshot, and commit placements optimistically; the machines detect conflicts — a placement that no longer fits (fine-grained) or one on a machine that changed since the scheduler looked (coarse-grained) — and refuse it, and the scheduler retries on a fresher snapshot. A slow service scheduler no longer blocks batch jobs; the cost is conflicts under contention.',
      zh: 'Omega 式共享状态调度：多个调度器各自持有整个集群状态的副本，在自己的快照上并行决策，乐观地提交放置；机器检测冲突——不再放得下的放置（细粒度），或调度器查看后发生过变化的机器上的放置（粗粒度）——并拒绝它，调度器在更新的快照上重试。慢的服务调度器不再阻塞批处理作业；代价是竞争激烈时的冲突。',
    },
    invariants: { en: `${NO_OVERCOMMIT_EN} ${DONE_EN}`, zh: `${NO_OVERCOMMIT_ZH}${DONE_ZH}` },
    faultModel: {
      en: 'Delay, duplication, reordering, pauses and drift — no message loss and no crashes: an unanswered commit stays open. Stale usage reports arriving after fresh ones are ignored by version.',
      zh: '容忍延迟、重复、乱序、暂停和时钟漂移——不容忍丢包和崩溃：未答复的提交会一直悬而未决。晚于新报告到达的过期资源使用报告按版本号被忽略。',
    },
    messages: { en: NO_FORMULA_EN, zh: NO_FORMULA_ZH },
    passage: {
      source: '001 §3.4 分布时调度结构之共享状态调度',
      zh: '这种调度架构在支持多种任务类型的同时，还能拥有全局的资源状态信息。要做到这一点，这种调度架构的多个调度器需要共享集群状态，包括资源状态和任务状态等。因此，这种调度架构，我们称之为共享状态调度器',
      en: 'This architecture supports many kinds of tasks while still having global information on resource state. To do so its several schedulers must share the cluster state, resource state and task state included; hence we call it the shared-state scheduler.',
    },
  },
};
