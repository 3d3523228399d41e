// Explanations of the chain family (blockchain consensus, notes 001 §2.3.1–2.3.3, 003 多主协议):
// proof of work, delegated proof of stake and proof of stake. Data only; the shape is types.ts.

import type { Explanation } from './types.js';

export const chainExplanations: Readonly<Record<string, Explanation>> = {
  'chain/pow': {
    what: {
      en: 'Proof of work decides who may append the next block (the right to keep the books, 记账权) by a race: a miner hashes the block header — previous hash, timestamp, data and a nonce — with real SHA-256d, incrementing the nonce until the hash falls below the target; the first to succeed broadcasts the block. Every node follows the chain with the most accumulated work, so forks resolve as more blocks pile on one side, and the target is retargeted every --interval blocks to keep the block time. The scenarios show the cost: an attacker with most of the hash power rewrites history.',
      zh: '工作量证明用一场竞赛决定谁获得下一个区块的记账权：矿工对区块头——前一个区块的哈希、时间戳、数据和 nonce——做真实的 SHA-256d 哈希，不断递增 nonce 直到哈希低于目标值；最先算出的节点广播该区块。每个节点都跟随累计工作量最多的链，所以分叉会随着一侧区块增多而消解；每 --interval 个区块调整一次难度以维持出块时间。场景展示了代价：掌握多数算力的攻击者可以改写历史。',
    },
    invariants: {
      en: 'Valid blocks only (enough work for its target, a known parent); every node’s tip is the most-work chain it knows; confirmed blocks are final — no honest node reverts a block --finality-depth deep (the 51% scenario breaks it); honest nodes share a common prefix.',
      zh: '只接受有效区块（工作量达到目标、父块已知）；每个节点的链尖是它所知工作量最多的链；已确认区块不可逆——诚实节点不会回滚 --finality-depth 深的区块（51% 攻击场景打破了它）；诚实节点拥有共同前缀。',
    },
    faultModel: {
      en: 'Every network and node fault: a block that outruns its parent is fetched (GetBlock), and after a partition the side with more work wins. Finality is probabilistic: it holds only while honest nodes have most of the hash power.',
      zh: '容忍所有网络和节点故障：父块未到的区块会去获取（GetBlock），分区恢复后工作量更多的一侧胜出。最终性是概率性的：只有诚实节点掌握多数算力时才成立。',
    },
    messages: {
      en: '(n−1)² Block messages per mined block: the miner sends n−1 and every other node forwards once to n−2; GetBlock/BlockResponse only when a block outruns its parent.',
      zh: '每个挖出的区块 (n−1)² 条 Block 消息：矿工发 n−1 条，其他每个节点各转发一次给 n−2 个节点；只有区块先于父块到达时才有 GetBlock/BlockResponse。',
    },
    passage: {
      source: '001 §2.3.1 PoW 机制',
      zh: 'PoW 算法获取记账权的原理是：利用区块的 index、前一个区块的哈希值、交易的时间戳、区块数据和 nonce 值，通过 SHA256 哈希算法计算出一个哈希值，并判断前 k 个值是否都为 0。如果不是，则递增 nonce 值，重新按照上述方法计算；如果是，则本次计算的哈希值为要解决的题目的正确答案。谁最先计算出正确答案，谁就获得这个区块的记账权。',
      en: 'PoW grants the right to keep the books like this: from the block’s index, the previous block’s hash, the transactions’ timestamp, the block data and a nonce, compute a SHA256 hash and check whether its first k digits are all 0. If not, increment the nonce and compute again; if so, this hash is the correct answer to the puzzle. Whoever computes the correct answer first gets the right to record this block.',
    },
  },
  'chain/dpos': {
    what: {
      en: 'Delegated proof of stake works like a company board: stakeholders vote, weighted by stake, for D delegates (受托人), and only the delegates produce blocks, each signing one block in its time slot, in turn. Blocks come on schedule instead of by a race, and a block becomes irreversible once more than two thirds of the delegates have built on it. A delegate that signs two blocks in one slot leaves the evidence on the chain and is voted out.',
      zh: '委托权益证明类似股份制公司的董事会：持币人按持币量加权投票选出 D 个受托人，只有受托人轮流在各自的时间槽里签名出块。出块按计划进行而不是靠竞赛，一个区块在超过三分之二的受托人在其后出块后变为不可逆。在同一时间槽签两个区块的受托人会在链上留下证据并被投票替换。',
    },
    invariants: {
      en: 'Irreversible agreement: no two nodes ever hold different irreversible blocks at one height; liveness: nodes end with a common irreversible prefix. More than two thirds of the delegates must sign on top of a block, and two such sets overlap in an honest delegate.',
      zh: '不可逆一致：任何两个节点在同一高度上都不会有不同的不可逆区块；活性：节点最终拥有共同的不可逆前缀。区块之上必须有超过三分之二的受托人签名，而两个这样的集合必有一个诚实的受托人。',
    },
    faultModel: {
      en: 'Every fault, assuming a block reaches the next producer within its slot (delays up to 25 ms, pauses up to 50 ms). A crashed delegate only leaves its slots empty; after a partition the longer side wins.',
      zh: '容忍所有故障，前提是区块在自己的时间槽内送达下一个出块者（延迟不超过 25 ms，暂停不超过 50 ms）。崩溃的受托人只会让它的时间槽空着；分区恢复后较长的一侧胜出。',
    },
    messages: {
      en: '(n−1)² Block messages per produced block, flooding as in chain/pow.',
      zh: '每个产出的区块 (n−1)² 条 Block 消息，与 chain/pow 一样泛洪。',
    },
    passage: {
      source: '001 §2.3.3 DPoS',
      zh: 'DPoS 算法的原理，类似股份制公司的董事会制度，普通股民虽然拥有股权，但进不了董事会，他们可以投票选举代表（受托人）代他们做决策。DPoS 是由被社区选举的可信帐户（受托人，比如得票数排行前 101 位）来拥有记账权。',
      en: 'DPoS works like the board of a joint-stock company: ordinary shareholders own shares but do not sit on the board; they vote for representatives (delegates) to decide for them. In DPoS the right to keep the books belongs to trusted accounts elected by the community (the delegates, e.g. the top 101 by votes).',
    },
  },
  'chain/pos': {
    what: {
      en: 'Proof of stake replaces the hashing race with stake: in each time slot a node may mint a block when its kernel hash falls below its stake × coin age, so the more coins held and the longer they are held, the likelier it mints — minting consumes the coin age. Nodes follow the chain with the most consumed coin age (“most trust”). The notes’ worry shows in the stake-weighted scenario: the richest node mints most blocks.',
      zh: '权益证明用权益代替哈希竞赛：每个时间槽里，节点的 kernel 哈希低于“持币量 × 币龄”时就可以铸造区块，所以持币越多、越久，越容易出块——出块会消耗币龄。节点跟随消耗币龄最多（“信任最多”）的链。笔记担心的垄断在按权益加权的场景中可以看到：最富的节点铸造了大多数区块。',
    },
    invariants: {
      en: 'Every node’s tip is the most-trust chain it knows (most-trust-tip); honest nodes end with a common prefix.',
      zh: '每个节点的链尖是它所知信任最多的链（most-trust-tip）；诚实节点最终拥有共同前缀。',
    },
    faultModel: {
      en: 'Every fault: an offline staker only mints nothing while away (its coin age grows), and after a partition the side with more consumed coin age wins.',
      zh: '容忍所有故障：离线的持币人只是不出块（币龄在增长），分区恢复后消耗币龄更多的一侧胜出。',
    },
    messages: {
      en: '(n−1)² Block messages per minted block, flooding as in chain/pow.',
      zh: '每个铸造的区块 (n−1)² 条 Block 消息，与 chain/pow 一样泛洪。',
    },
    passage: {
      source: '001 §2.3.2 PoS',
      zh: 'PoS 算法中持币越多或持币越久，币龄就会越高，持币人就越容易挖到区块并得到激励，而持币少的人基本没有机会，这样整个系统的安全性实际上会被持币数量较大的一部分人掌握，容易出现垄断现象。',
      en: 'In PoS, the more coins one holds or the longer one holds them, the higher the coin age, and the easier it is for the holder to mine a block and be rewarded, while small holders hardly get a chance; the system’s security is then in the hands of the large holders, and monopoly is likely.',
    },
  },
};
