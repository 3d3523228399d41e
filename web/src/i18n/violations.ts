// A broken check's message in the page's language. The message is the algorithm's own
// English (src/algorithms/**: invariants.ts and the families' shared checks, the simulator's
// consistency checker), built from a fixed sentence and its data — node ids, terms, ballots,
// values. The algorithms stay language-neutral: the Chinese lives here, one template per
// sentence, matched against the English with the data captured and put back unchanged
// (outcome and order words — commit, attack — go through the inspector's value table). The
// simulator's " (at T ms)" suffix is translated on its own. A sentence without a template
// is not hidden or guessed at: it is shown as it is, marked as the English original (原文),
// after the check's Chinese name that the page already shows. test/lab-violations.test.ts
// runs every named scenario declared to break something and checks each message it reports
// has its Chinese sentence, so a reworded English sentence fails there, not on the page.

import type { Lang } from '../explain/types.js';
import { valueIn } from '../inspect/values.js';

type Fill = (m: readonly string[]) => string;

const word = (v: string | undefined) => valueIn(v ?? '', 'zh');
const none = (v: string | undefined) => (v === 'null' || v === 'undefined' ? '无' : (v ?? ''));
/** "payment", "inventory", "consumer 5": the transactional-message consumers' names. */
const consumer = (v: string | undefined) =>
  v === 'payment'
    ? '支付服务'
    : v === 'inventory'
      ? '库存服务'
      : (v ?? '').replace(/^consumer (\d+)$/, '消费者 $1');
const outcomeOrWord = (v: string | undefined) =>
  v === 'rolled back' ? '该订单已回滚' : v === 'not (yet) committed' ? '该订单尚未提交' : word(v);

const N = '(\\d+)';
const IDS = '([\\d,]+)';
const ANY = '(.+?)';

/** [English sentence as a pattern (N: an id, IDS: a list, ANY: a value), its Chinese]. */
const SENTENCES: readonly (readonly [string, Fill])[] = [
  ['not judged: the run stopped at a safety violation', () => '未判定：运行在违反安全性处停止'],
  // Mutual exclusion and locks (mutex/workload.ts, locks/*).
  [`nodes ${IDS} are still waiting`, (m) => `节点 ${m[1]} 仍在等待进入临界区`],
  [
    `nodes ${ANY} are inside at once`,
    (m) => `节点 ${m[1]?.replaceAll(' and ', ' 和 ')} 同时在临界区内`,
  ],
  [
    `node ${N} entered at ${ANY} ms without asking`,
    (m) => `节点 ${m[1]} 在 ${m[2]} 毫秒未经请求就进入了临界区`,
  ],
  [
    `at ${ANY} ms the storage applied client ${N}'s write with token ${N} after client ${N}'s with token ${N}`,
    (m) =>
      `在 ${m[1]} 毫秒，存储先应用了客户端 ${m[4]} 带令牌 ${m[5]} 的写入，之后又应用了客户端 ${m[2]} 带更旧令牌 ${m[3]} 的写入`,
  ],
  // Leader election (election/workload.ts, election/zab-fle).
  [
    `no agreement: ${ANY}`,
    (m) => `节点对领导者没有一致看法（节点→它认定的领导者）：${m[1]?.replaceAll('null', '无')}`,
  ],
  [
    `leader is ${ANY}, but ${N} ranks highest`,
    (m) =>
      `${none(m[1]) === '无' ? '没有领导者' : `领导者是 ${m[1]}`}，但存活节点中排名最高的是 ${m[2]}`,
  ],
  ['no leader', () => '没有领导者'],
  [
    `nodes ${N} and ${N} both lead term ${N}`,
    (m) => `节点 ${m[1]} 和 ${m[2]} 在任期 ${m[3]} 同时是领导者`,
  ],
  // Consensus (consensus/paxos, raft, multi-paxos).
  [
    `ballot ${ANY} accepted ${ANY} above ballot ${ANY}, which chose ${ANY}`,
    (m) => `提案编号 ${m[1]} 接受了值 ${m[2]}，但更低的提案编号 ${m[3]} 已选定值 ${m[4]}`,
  ],
  ['no value was chosen', () => '没有任何值被选定'],
  [`nodes ${IDS} have not learned ${ANY}`, (m) => `节点 ${m[1]} 尚未学到 ${m[2]}`],
  [`clients ${IDS} are not done`, (m) => `客户端 ${m[1]} 的操作尚未全部完成`],
  [`no leader in the latest term \\(${N}\\)`, (m) => `最新任期（${m[1]}）没有领导者`],
  [`clients ${IDS} have operations pending`, (m) => `客户端 ${m[1]} 仍有未完成的操作`],
  // Byzantine generals (byzantine/generals.ts).
  [
    `loyal lieutenant ${N} obeys ${ANY}; the loyal commander ordered ${ANY}`,
    (m) => `忠诚的副官 ${m[1]} 执行了“${word(m[2])}”，而忠诚的司令下令“${word(m[3])}”`,
  ],
  [
    `loyal lieutenant ${N} obeys ${ANY} but ${N} obeys ${ANY}`,
    (m) => `忠诚的副官 ${m[1]} 执行“${word(m[2])}”，而副官 ${m[3]} 执行“${word(m[4])}”`,
  ],
  [`lieutenants ${IDS} never decided`, (m) => `副官 ${m[1]} 始终没有作出决定`],
  // Chains (chain/pow).
  [
    `node ${N} reverted ${N} blocks \\(finality depth ${N}\\)`,
    (m) => `节点 ${m[1]} 回滚了 ${m[2]} 个区块（最终性深度为 ${m[3]}）`,
  ],
  // Transactions (txn/shared/checks.ts, txn/transactional-message).
  [
    `transaction ${N} is undecided at cohort ${N}`,
    (m) => `事务 ${m[1]} 在参与者 ${m[2]} 处尚未决定`,
  ],
  [`cohort ${N} is down`, (m) => `参与者 ${m[1]} 已宕机`],
  [
    `transaction ${N}: node ${N} made ${ANY} durable at ${ANY} ms, node ${N} ${ANY}`,
    (m) =>
      `事务 ${m[1]}：节点 ${m[2]} 在 ${m[4]} 毫秒持久化了“${word(m[3])}”，而节点 ${m[5]} 持久化的是“${word(m[6])}”`,
  ],
  [
    `transaction ${N} committed at node ${N} though cohort ${N} voted no`,
    (m) => `事务 ${m[1]} 在节点 ${m[2]} 提交了，尽管参与者 ${m[3]} 投了 No`,
  ],
  [
    `transaction ${N} committed at node ${N} without a yes from ${ANY}`,
    (m) => `事务 ${m[1]} 在节点 ${m[2]} 提交了，却没有得到 ${m[3]} 的 Yes`,
  ],
  [
    `the coordinator began ${N} of ${N} transactions`,
    (m) => `协调者只开始了 ${m[2]} 个事务中的 ${m[1]} 个`,
  ],
  [
    `order ${N}: local transaction ${ANY}, broker ${ANY}`,
    (m) => `订单 ${m[1]}：本地事务的结果是“${word(m[2])}”，Broker 却“${word(m[3])}”了半消息`,
  ],
  [`half messages pending: orders ${ANY}`, (m) => `仍未决的半消息：订单 ${m[1]}`],
  [
    `committed order ${N} not consumed by ${ANY} \\(node ${N}\\)`,
    (m) => `已提交的订单 ${m[1]} 未被${consumer(m[2])}（节点 ${m[3]}）消费`,
  ],
  [
    `${ANY} \\(node ${N}\\) applied order ${N} again`,
    (m) => `${consumer(m[1])}（节点 ${m[2]}）再次处理了订单 ${m[3]}`,
  ],
  [
    `${ANY} \\(node ${N}\\) acted on order ${N}, ${ANY}`,
    (m) => `${consumer(m[1])}（节点 ${m[2]}）处理了订单 ${m[3]}，而${outcomeOrWord(m[4])}`,
  ],
  [
    `${ANY} acted on order ${N} before ${ANY}`,
    (m) => `${consumer(m[1])}先于${consumer(m[3])}处理了订单 ${m[2]}`,
  ],
  [`${ANY} \\(node ${N}\\) is down`, (m) => `${consumer(m[1])}（节点 ${m[2]}）已宕机`],
  ['the order service is down', () => '订单服务已宕机'],
  ['the broker is down', () => 'Broker 已宕机'],
  [`the order service began ${N} of ${N}`, (m) => `订单服务只开始了 ${m[2]} 个订单中的 ${m[1]} 个`],
  [`order ${N}'s local transaction is running`, (m) => `订单 ${m[1]} 的本地事务仍在运行`],
  // Replication (replication/shared/checks.ts, replication/quorum).
  [
    `key ${ANY}: write ${ANY}, acknowledged at ${ANY} ms, is gone`,
    (m) => `键 ${m[1]}：写入 ${m[2]} 已在 ${m[3]} 毫秒确认，现在却丢失了`,
  ],
  [
    `write ${ANY} to ${ANY}, acknowledged at ${ANY} ms as entry ${N}, is not in node ${N}'s log`,
    (m) =>
      `对 ${m[2]} 的写入 ${m[1]} 已在 ${m[3]} 毫秒作为第 ${m[4]} 条日志确认，却不在节点 ${m[5]} 的日志中`,
  ],
  ['the master is down', () => '主控节点已宕机'],
  [
    `the (primary|tail), node ${N}, is down`,
    (m) => `${m[1] === 'tail' ? '链尾' : '主节点'}（节点 ${m[2]}）已宕机`,
  ],
  [`node ${N} has not installed epoch ${N}`, (m) => `节点 ${m[1]} 尚未安装纪元 ${m[2]}`],
  // Schedulers (scheduling/shared/checks.ts).
  [
    `task ${ANY} runs on machines ${N} and ${N} at once`,
    (m) => `任务 ${m[1]} 同时在机器 ${m[2]} 和 ${m[3]} 上运行`,
  ],
  [`${N} of ${N} jobs arrived`, (m) => `${m[2]} 个作业中只到达了 ${m[1]} 个`],
  [`task ${N} of job ${N} never completed`, (m) => `作业 ${m[2]} 的任务 ${m[1]} 始终没有完成`],
  [
    `task ${ANY} of the top priority was preempted on machine ${N}`,
    (m) => `最高优先级的任务 ${m[1]} 在机器 ${m[2]} 上被抢占`,
  ],
];

const COMPILED = SENTENCES.map(([en, zh]) => [new RegExp(`^${en}$`), zh] as const);

/** The consistency checker's model names (sim/consistency). */
const MODELS: Readonly<Record<string, string>> = {
  linearizable: '线性一致性',
  sequential: '顺序一致性',
  causal: '因果一致性',
  'read-your-writes': '读己之写',
  'monotonic-reads': '单调读',
  'monotonic-writes': '单调写',
  eventual: '最终一致性',
};

const OP = /process (\d+) (read|write|cas) ("[^"]*"|\S+) \(key ([^)]+)\)/g;
const OPS: Readonly<Record<string, string>> = { read: '读到', write: '写入', cas: 'CAS' };

/** "process 4 write "4.23" (key k0), …": the operations that break a model. */
const operations = (text: string) =>
  text
    .replace(OP, (_, p, f: string, v, k) => `进程 ${p} ${OPS[f] ?? f} ${v}（键 ${k}）`)
    .replaceAll(', ', '，');

/** Why a history breaks a model (sim/linearizability/explain.ts), when it is a stale read. */
const STALE = new RegExp(
  `^stale (read|cas): process ${N}'s (read|cas expecting) ${ANY}( \\(key ${ANY}\\))? began after process ${N}'s (\\w+) of ${ANY} had completed, and (every write of|the initial) ${ANY} (came before that|was overwritten before that)$`,
);

function reasonZh(reason: string): string | undefined {
  const m = STALE.exec(reason);
  if (m === null) return undefined;
  const [, , p, what, seen, , key, q, f, after, which] = m;
  const at = key === undefined ? '' : `（键 ${key}）`;
  const saw = what === 'read' ? `读到 ${seen}` : `以 ${seen} 为预期值做 CAS`;
  const writes =
    which === 'the initial'
      ? `初始值 ${seen} 在那之前已被覆盖`
      : `所有写入 ${seen} 的操作都在那之前`;
  const op = `${OPS[f ?? ''] ?? f} ${after}`;
  return `过期读：进程 ${p} ${saw}${at}，但这次操作开始时，进程 ${q} ${op} 的操作已经完成，而且${writes}`;
}

/** "linearizable broken: <why>: <operations>" (sim/run.ts checkPromises), per model. */
function consistencyZh(text: string): string | undefined {
  const parts = text.split(/; (?=[a-z-]+ (?:broken|undecided): )/);
  const out: string[] = [];
  for (const part of parts) {
    const m = /^([a-z-]+) (broken|undecided): (.*)$/s.exec(part);
    const model = m === null ? undefined : MODELS[m[1] ?? ''];
    if (m === null || model === undefined) return undefined;
    const [why = '', ...ops] = (m[3] ?? '').split(/: (?=process \d+ )/);
    const reason = reasonZh(why);
    if (reason === undefined) return undefined;
    const verdict = m[2] === 'broken' ? '被破坏' : '未能判定';
    out.push(
      `${model}${verdict}：${reason}${ops.length === 0 ? '' : `：${operations(ops.join(': '))}`}`,
    );
  }
  return out.join('；');
}

function sentenceZh(text: string): string | undefined {
  for (const [en, zh] of COMPILED) {
    const m = en.exec(text);
    if (m !== null) return zh(m);
  }
  return consistencyZh(text);
}

/** The message as the page shows it, and whether it is the English original (原文). */
export function violationIn(message: string, lang: Lang): { text: string; original: boolean } {
  if (lang === 'en') return { text: message, original: false };
  // The simulator's " (at T ms)": when the step that broke the check ran.
  const at = /^(.*) \(at ([\d.]+) ms\)$/s.exec(message);
  const body = at === null ? message : (at[1] ?? '');
  const zh = sentenceZh(body);
  if (zh === undefined) return { text: message, original: true };
  return { text: at === null ? zh : `${zh}（发生于 ${at[2]} 毫秒）`, original: false };
}

/** Whether the message has its Chinese sentence (the test's). */
export const hasViolationZh = (message: string): boolean => !violationIn(message, 'zh').original;

/** The message inside a Chinese sentence (a tour step): the original marked as such. */
export function violationZh(message: string): string {
  const { text, original } = violationIn(message, 'zh');
  return original ? `（原文）${text}` : text;
}
