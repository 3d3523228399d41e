// Explanations of the byzantine family (note 004 拜占庭将军问题, 001 §2.3): oral messages OM(m),
// signed messages SM(m) and PBFT. Data only; the shape is types.ts.

import type { Explanation } from './types.js';

const IC_EN =
  'IC1 (agreement): all loyal lieutenants obey the same order; IC2 (validity): if the commander is loyal, every loyal lieutenant obeys his order; and every loyal lieutenant decides.';
const IC_ZH =
  'IC1（一致）：所有忠诚的将军执行相同的命令；IC2（有效）：若司令忠诚，每个忠诚的将军都执行他的命令；并且每个忠诚的将军都做出决定。';
const SYNC_EN =
  'Synchronous links (Lamport’s A1–A3): every loyal message arrives within roundMs (25 ms of delay is tolerated), so a missing message means a silent traitor; only traitors lie. Loss, crashes and partitions are outside the model.';
const SYNC_ZH =
  '同步链路（Lamport 的 A1–A3）：每条忠诚的消息都在 roundMs 内送达（容忍 25 ms 延迟），所以缺失的消息意味着沉默的叛徒；只有叛徒说谎。丢包、崩溃和分区都在模型之外。';

export const byzantineExplanations: Readonly<Record<string, Explanation>> = {
  'byzantine/oral-messages': {
    what: {
      en: 'The Byzantine generals: a commander sends an order, some generals are traitors who lie, and the loyal ones must still act alike. With oral (unsigned) messages, OM(m) relays recursively: the commander sends his order to every lieutenant, each lieutenant relays what it received to the others as the commander of OM(m−1), and each decides by majority of what it heard (RETREAT when there is none). It works if and only if n > 3m — three generals cannot tolerate one traitor, four can.',
      zh: '拜占庭将军问题：司令下达命令，部分将军是会说谎的叛徒，忠诚的将军仍须行动一致。用口头（不签名）信息时，OM(m) 递归转告：司令把命令发给每位将军，每位将军以 OM(m−1) 司令的身份把收到的命令转告其他将军，最后按多数表决（无多数时撤退）。当且仅当 n > 3m 时可解——三位将军对付不了一个叛徒，四位可以。',
    },
    invariants: {
      en: `${IC_EN} With n > 3m the loyal lieutenants’ relays outvote what traitors say; the too-many-traitors scenario breaks the bound and a loyal lieutenant is outvoted.`,
      zh: `${IC_ZH}n > 3m 时忠诚将军的转告在表决中压过叛徒的话；叛徒过多的场景突破了这个界限，忠诚的将军被多数票压倒。`,
    },
    faultModel: { en: SYNC_EN, zh: SYNC_ZH },
    messages: {
      en: 'Σ_{k=0..m} (n−1)(n−2)…(n−1−k): exponential in m — fewer when a traitor stays silent.',
      zh: 'Σ_{k=0..m} (n−1)(n−2)…(n−1−k) 条：随 m 指数增长——叛徒沉默时更少。',
    },
    passage: {
      source: '004 2.拜占庭将军问题 · （2）用口头信息，如果叛徒数少于1/3，拜占庭问题可解',
      zh: '算法的中心思想很简单，就是司令把命令发给每一位将军，各将军又将收到的司令的命令转告给其他将军，递归下去，最后用多数表决。例如，司令送一个命令v给所有将军。若将军3是叛徒，当他转告给将军2时命令可能变成x。但将军2收到{v, v, x}，多数表决以后仍为v，忠诚的将军可达成一致。',
      en: 'The central idea is simple: the commander sends his order to every general, each general relays the order he received to the others, recursively, and finally they vote by majority. Say the commander sends order v to all. If general 3 is a traitor, the order may become x when he relays it to general 2. But general 2 receives {v, v, x}; the majority is still v, and the loyal generals agree.',
    },
  },
  'byzantine/signed-messages': {
    what: {
      en: 'With signed messages a traitor cannot forge a loyal general’s signature nor alter a signed order unnoticed. SM(m): the commander signs his order; a lieutenant that receives a new value adds it to its set V, signs and relays it to those who have not signed it yet; after m + 1 rounds each applies choice(V) — the single value, or RETREAT when V has two. Two different signed orders prove the commander two-faced, so agreement holds with any number of traitors up to m (given m + 2 generals).',
      zh: '用带签名的书写信息时，叛徒不能伪造忠诚将军的签名，也不能不被察觉地篡改签名的命令。SM(m)：司令签名发出命令；将军收到新的值就加入自己的集合 V，签上名后转给尚未签名的将军；m + 1 轮之后各自按 choice(V) 决定——V 中只有一个值就执行它，有两个则撤退。两条不同的签名命令证明司令两面三刀，所以只要叛徒不超过 m（至少 m + 2 位将军），就能达成一致。',
    },
    invariants: {
      en: `${IC_EN} Every loyal lieutenant ends with the same set V, because any value a loyal one accepts in time it relays to all.`,
      zh: `${IC_ZH}每个忠诚将军最终得到相同的集合 V，因为忠诚将军及时接受的任何值都会转给所有人。`,
    },
    faultModel: { en: SYNC_EN, zh: SYNC_ZH },
    messages: {
      en: '(n−1) orders + (n−1)(n−2) relays = (n−1)² with a loyal commander and m ≥ 1 — each lieutenant relays each new value once; a two-faced commander doubles the relays.',
      zh: '司令忠诚且 m ≥ 1 时：(n−1) 条命令 + (n−1)(n−2) 条转告 = (n−1)² 条——每位将军对每个新值只转告一次；两面三刀的司令让转告翻倍。',
    },
    passage: {
      source: '004 2.拜占庭将军问题 · （3）用书写信息，如果至少有2/3的将军是忠诚的，拜占庭问题可解',
      zh: '例如，如果司令是叛徒，他发送“进攻”命令给将军1，并带有他的签名0，发送“撤退”命令给将军2，也带签名0。将军们转送时也带了签名。于是将军1收到{“进攻”：0，“撤退”：0,2}，说明司令发给自己的命令是“进攻”，而发给将军2的命令是“撤退”，司令对我们发出了不同的命令。',
      en: 'For example, if the commander is a traitor and sends “attack” to general 1 with his signature 0 and “retreat” to general 2, also signed 0, the generals sign what they relay too. General 1 then receives {“attack”: 0, “retreat”: 0,2}: the commander told him “attack” but told general 2 “retreat” — he gave us different orders.',
    },
  },
  'byzantine/pbft': {
    what: {
      en: 'Practical Byzantine Fault Tolerance replicates a service over 3f + 1 replicas of which up to f may be arbitrarily faulty. The primary of the current view assigns each client request a sequence number (PRE-PREPARE); replicas exchange PREPARE and then COMMIT, each waiting for 2f + 1 matching messages, so any two quorums share a correct replica; the client accepts a result once f + 1 replicas reply alike. A silent or equivocating primary is replaced by a view change when backups time out. It goes beyond the notes, which stop at the generals.',
      zh: '实用拜占庭容错（PBFT）在 3f + 1 个副本上复制一个服务，其中至多 f 个可以任意出错。当前视图的主节点为每个客户端请求分配序号（PRE-PREPARE）；副本先交换 PREPARE 再交换 COMMIT，每一步都等 2f + 1 条一致的消息，所以任意两个法定集合必有一个正确的副本；客户端收到 f + 1 个副本相同的回复后接受结果。沉默或两面三刀的主节点在备份超时后由视图切换（view change）替换。它超出了笔记，笔记只讲到拜占庭将军。',
    },
    invariants: {
      en: 'Agreement: correct replicas never execute different requests at one sequence number; client results: every result a client accepted is the one the correct replicas computed. Liveness: every request completes and correct replicas converge.',
      zh: '一致：正确的副本不会在同一序号执行不同的请求；客户端结果：客户端接受的每个结果都是正确副本计算出的结果。活性：每个请求都会完成，正确的副本最终一致。',
    },
    faultModel: {
      en: 'At most f Byzantine replicas — silent or equivocating — with partitions, loss, duplication, reordering, delay and pauses; a crash counts as one of the f (the log is volatile, there are no checkpoints). With two of four replicas faulty there is no quorum of 2f + 1 and no progress.',
      zh: '至多 f 个拜占庭副本——沉默或两面三刀——外加分区、丢包、重复、乱序、延迟和暂停；一次崩溃算作 f 个之一（日志不持久，也没有检查点）。四个副本中两个出错时凑不齐 2f + 1，无法推进。',
    },
    messages: {
      en: '2n(n−1) per request: n−1 PRE-PREPARE + (n−1)² PREPARE + n(n−1) COMMIT — quadratic, the price of not trusting anyone.',
      zh: '每个请求 2n(n−1) 条：n−1 条 PRE-PREPARE + (n−1)² 条 PREPARE + n(n−1) 条 COMMIT——平方级，这是不信任任何人的代价。',
    },
    passage: {
      source: '004 2.拜占庭将军问题',
      zh: '解决拜占庭将军问题的算法必须保证\n\nA．所有忠诚的将军必须基于相同的行动计划做出决策；\nB．少数叛徒不能使忠诚的将军做出错误的计划。',
      en: 'An algorithm solving the Byzantine generals problem must guarantee: A. all loyal generals decide on the same plan of action; B. a small number of traitors cannot make the loyal generals adopt a bad plan.',
    },
  },
};
