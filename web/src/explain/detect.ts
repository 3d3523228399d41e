// Explanations of the detect family (failure detection; note 001 §7.5 heartbeats and network
// partitions, 004 split brain): heartbeats with a fixed or φ accrual detector. Data only.

import type { Explanation } from './types.js';

export const detectExplanations: Readonly<Record<string, Explanation>> = {
  'detect/heartbeat': {
    what: {
      en: 'Every node sends every other node a heartbeat each interval and suspects a peer that falls silent. With a fixed timeout, one number must suit every link; the φ accrual detector instead learns each link’s inter-arrival times and suspects when φ — how unlikely the current silence is — passes a threshold, so a jittery link waits longer while a crash on a calm link is still found fast. Each node also reports whether the live nodes it sees are a majority: the side of a partition that is not must stop serving, which is how split brain is avoided.',
      zh: '每个节点每个周期向其他所有节点发送心跳，对沉默的节点产生怀疑。固定超时要求一个数字适合所有链路；φ 累积检测器则学习每条链路的到达间隔，当 φ——当前沉默有多不寻常——超过阈值时才怀疑，所以抖动的链路会等得更久，而平稳链路上的崩溃仍能很快发现。每个节点还报告它看到的存活节点是否过半：分区中不过半的一侧必须停止服务，这正是避免脑裂的方法。',
    },
    invariants: {
      en: 'Safety: the outputs report every change of suspicion and of majority. Liveness: strong completeness (every crashed node is eventually suspected by every live node), eventual strong accuracy (after faults heal no live node suspects a live one) and every live node knows whether the live nodes are a majority. False suspicions on the way are measured, not forbidden — no detector on an asynchronous network can avoid them.',
      zh: '安全：输出报告每一次怀疑和多数派状态的变化。活性：强完整性（每个崩溃的节点最终被每个存活节点怀疑）、最终强准确性（故障平息后没有存活节点怀疑另一个存活节点），以及每个存活节点都知道存活节点是否过半。过程中的误判被度量而不是被禁止——异步网络上任何检测器都无法避免误判。',
    },
    faultModel: {
      en: 'Every fault. Loss and jitter cause false suspicions (the lossy-fixed and jittery-link scenarios count them) that end when the faults heal; a 2|3 partition makes the two nodes report that they are in the minority.',
      zh: '容忍所有故障。丢包和抖动会造成误判（lossy-fixed 和 jittery-link 场景统计了它们），故障平息后误判结束；2|3 分区时两个节点报告自己处于少数派。',
    },
    messages: {
      en: 'n(n−1) Heartbeats per interval: n(n−1)(⌊T/Δ⌋ + 1) over T ms without faults.',
      zh: '每个周期 n(n−1) 条心跳：无故障时 T 毫秒内共 n(n−1)(⌊T/Δ⌋ + 1) 条。',
    },
    passage: {
      source: '004 四、Zookeeper的Quorum机制-谈谈怎样解决脑裂(split-brain)',
      zh: 'Split-Brain问题说的是1个集群如果发生了网络故障，很可能出现1个集群分成了两部分，而这两个部分都不知道对方是否存活，不知道到底是网络问题还是直接机器down了，所以这两部分都要选举1个Leader，而一旦两部分都选出了Leader, 并且网络又恢复了，那么就会出现两个Brain的情况，整个集群的行为不一致了。',
      en: 'Split brain: when a cluster suffers a network failure it may well be split in two, and neither part knows whether the other is alive — whether it is a network problem or the machines went down — so both parts elect a Leader; once both have and the network recovers, there are two brains and the cluster behaves inconsistently.',
    },
  },
};
