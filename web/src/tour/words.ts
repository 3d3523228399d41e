// What each tour step says, in English and Chinese, using the notes' terms (领导者, 任期,
// 令牌, 协调者, 临界区 …): one text per kind of moment (moments.ts) — a fault by its verb, a
// milestone by its output type, read from the output's own fields — and in each, where on
// the page to look (the node's colour and badge, the red dashed links, the slider's red
// tick, the Checks panel, the inspector). Node roles and the word for a term come from the
// algorithm's vocabulary (vocabulary.ts). Registry texts (scenario descriptions, check
// names and their violations) come in the page's language from i18n/ (tour.ts).

import type { Output } from '../../../src/core/process.js';
import type { Bilingual } from '../explain/types.js';
import type { FaultEvent } from './moments.js';
import type { Vocabulary } from './vocabulary.js';

/** Who a node is at a moment: its fixed role, or "the leader" if it led just before. */
export interface Who {
  readonly vocabulary: Vocabulary;
  /** Whether node `id` led (its badge claimed leadership) just before time t. */
  readonly ledBefore: (id: number, t: number) => boolean;
}

const ms = (t: number) => `${Number(t.toFixed(1))} ms`;

function nodeName(id: number, t: number, who: Who): Bilingual {
  const role = who.vocabulary.roleOf(id);
  if (who.ledBefore(id, t)) return { en: `node ${id}, the leader,`, zh: `节点 ${id}（领导者）` };
  if (role !== undefined) return { en: `node ${id}, ${role.en},`, zh: `节点 ${id}（${role.zh}）` };
  return { en: `node ${id}`, zh: `节点 ${id} ` };
}

function nodesName(ids: readonly number[], t: number, who: Who): Bilingual {
  if (ids.length === 1) return nodeName(ids[0] ?? 0, t, who);
  return { en: `nodes ${ids.join(', ')}`, zh: `节点 ${ids.join('、')}` };
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** A fault event: what happened and what the stage shows for it. */
export function faultWords(f: FaultEvent, t: number, who: Who): Bilingual {
  const n = nodesName(f.nodes, t, who);
  const many = f.nodes.length > 1 && (f.verb === 'crash' || f.verb === 'restart');
  const at = ms(t);
  const sides = f.text.replace(/^(end )?\w+ /, '');
  switch (f.verb) {
    case 'crash':
      return {
        en: many
          ? `${cap(n.en)} crash at ${at}: their circles turn red and their badges clear; messages sent to them die there (✗). What they wrote to disk survives, everything else is lost. Watch how the others notice.`
          : `${cap(n.en)} crashes at ${at}: its circle turns red and its badge clears; messages sent to it die there (✗). What it wrote to disk survives, everything else is lost. Watch how the others notice.`,
        zh: `${n.zh}在 ${at} 崩溃：圆圈变红，徽章清空；发给它的消息在它那里消亡（✗）。写入磁盘的状态保留，其余全部丢失。观察其他节点如何察觉。`,
      };
    case 'restart':
      return {
        en: many
          ? `${cap(n.en)} restart at ${at}, with only what they wrote to disk: click one to see what it kept, and watch them rejoin.`
          : `${cap(n.en)} restarts at ${at}, with only what it wrote to disk: click it to see what it kept, and watch it rejoin.`,
        zh: `${n.zh}在 ${at} 重启，只带着写入磁盘的状态：点击它查看保留了什么，观察它如何重新加入。`,
      };
    case 'pause':
      return {
        en: `${cap(n.en)} is paused at ${at} (a long GC pause): alive but silent. To the others it looks exactly like a crash.`,
        zh: `${n.zh}在 ${at} 被暂停（如长时间 GC）：仍然活着却一言不发。在其他节点看来，这与崩溃毫无区别。`,
      };
    case 'resume':
      return {
        en: `${cap(n.en)} wakes up at ${at} and carries on from where it stopped, unaware that time has passed.`,
        zh: `${n.zh}在 ${at} 醒来，从暂停处继续执行，并不知道时间已经过去。`,
      };
    case 'partition':
      return {
        en: `The network splits at ${at}: ${sides}. Links across the cut turn red and dashed, and messages across it are dropped (hollow dots). Watch what each side does alone.`,
        zh: `网络在 ${at} 发生分区：${sides}。跨越分区的链路变为红色虚线，跨分区的消息被丢弃（空心圆点）。观察每一侧各自怎么做。`,
      };
    case 'heal':
      return {
        en: `The partition heals at ${at} (${sides}): the red links are whole again. Watch the two sides reconcile.`,
        zh: `分区在 ${at} 恢复（${sides}）：红色链路重新连通。观察两侧如何重新达成一致。`,
      };
    case 'block':
      return {
        en: `Links are cut one way at ${at} (${sides}): messages on them are dropped, the other direction still works.`,
        zh: `链路在 ${at} 被单向切断（${sides}）：这些链路上的消息被丢弃，反方向仍然畅通。`,
      };
    case 'unblock':
      return {
        en: `The one-way cut ends at ${at} (${sides}).`,
        zh: `单向切断在 ${at} 结束（${sides}）。`,
      };
    case 'loss':
      return {
        en: `The network starts losing messages (${at}): a lost message is a hollow dot that dies halfway along its link (✗). Count them under Messages.`,
        zh: `网络开始丢失消息（${at}）：丢失的消息是空心圆点，在链路中途消亡（✗）。在“消息”面板中查看丢弃总数。`,
      };
    case 'dup':
      return {
        en: `The network duplicates a message (${at}): the copy is a second, ringed dot. The algorithm must not act on it twice.`,
        zh: `网络复制了一条消息（${at}）：副本是第二个带圈的圆点。算法不能对它处理两次。`,
      };
    case 'other':
      return { en: `Fault at ${at}: ${f.text}.`, zh: `${at} 注入故障：${f.text}。` };
  }
}

type Fields = Record<string, unknown>;
const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
const str = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');

const OUTCOME: Record<string, Bilingual> = {
  commit: { en: 'commit', zh: '提交' },
  abort: { en: 'abort', zh: '中止' },
  rollback: { en: 'roll back', zh: '回滚' },
};
const outcomeOf = (v: unknown): Bilingual => OUTCOME[str(v)] ?? { en: str(v), zh: str(v) };

/** A leader claim, a new view or a regenerated token: who is in charge now. */
function roleWords(o: Fields, who: Bilingual, term: Bilingual): Bilingual | undefined {
  const t = num(o.term);
  const of =
    t === undefined ? { en: '', zh: '' } : { en: ` of ${term.en} ${t}`, zh: `（${term.zh} ${t}）` };
  if (o.type === 'leader' || o.type === 'elected')
    return {
      en: `${cap(who.en)} becomes leader${of.en}: its badge reads “leader”. Click it to inspect its state.`,
      zh: `${who.zh}成为领导者${of.zh}：徽章显示 “leader”。点击它查看其状态。`,
    };
  if (o.type === 'view')
    return num(o.view) !== undefined
      ? {
          en: `The replicas move to view ${o.view}: a new primary takes over from the one that failed them.`,
          zh: `副本切换到视图 ${o.view}：新的主节点接替了失职的旧主节点。`,
        }
      : {
          en: `${cap(who.en)} installs a new view, epoch ${str(o.epoch)}, members ${str(o.members)}.`,
          zh: `${who.zh}发布新视图：纪元 ${str(o.epoch)}，成员 ${str(o.members)}。`,
        };
  if (o.type === 'regenerate')
    return {
      en: `${cap(who.en)} regenerates the token (generation ${str(o.gen)}): the old token, if it still exists, is void.`,
      zh: `${who.zh}重新生成令牌（第 ${str(o.gen)} 代）：旧令牌即使还在也已作废。`,
    };
  return undefined;
}

/** Decisions and deliveries: the algorithm's result. */
function resultWords(o: Fields, who: Bilingual, term: Bilingual): Bilingual | undefined {
  switch (o.type) {
    case 'decide':
      return o.txn !== undefined
        ? {
            en: `${cap(who.en)} decides ${outcomeOf(o.outcome).en} for transaction ${str(o.txn)}.`,
            zh: `${who.zh}对事务 ${str(o.txn)} 作出决定：${outcomeOf(o.outcome).zh}。`,
          }
        : {
            en: `${cap(who.en)} decides “${str(o.value)}”.`,
            zh: `${who.zh}决定 “${str(o.value)}”。`,
          };
    case 'outcome':
      return {
        en: `${cap(who.en)} learns transaction ${str(o.txn)}’s outcome: ${outcomeOf(o.outcome).en}.`,
        zh: `${who.zh}得知事务 ${str(o.txn)} 的结果：${outcomeOf(o.outcome).zh}。`,
      };
    case 'commit':
      return {
        en: `${cap(who.en)} commits entry ${str(o.index)} (${term.en} ${str(o.term)}): a majority stores it. In the inspector’s log grid committed entries are filled.`,
        zh: `${who.zh}提交第 ${str(o.index)} 条日志（${term.zh} ${str(o.term)}）：多数派已存储它。检查器的日志格中已提交的条目为实心。`,
      };
    case 'chosen':
      return {
        en: `Slot ${str(o.slot)} is chosen at ${who.en}: a majority accepted one command for it.`,
        zh: `槽位 ${str(o.slot)} 在${who.zh}被选定：多数派接受了同一条命令。`,
      };
    case 'learned':
      return o.value !== undefined
        ? {
            en: `${cap(who.en)} learns the chosen value: ${str(o.value)}.`,
            zh: `${who.zh}得知被选定的值：${str(o.value)}。`,
          }
        : {
            en: `${cap(who.en)} learns node ${str(o.origin)}’s updates (up to ${str(o.upTo)}) by gossip.`,
            zh: `${who.zh}通过 Gossip 得知节点 ${str(o.origin)} 的更新（至 ${str(o.upTo)}）。`,
          };
    case 'deliver':
      return {
        en: `${cap(who.en)} delivers a proposal in zxid order.`,
        zh: `${who.zh}按 zxid 顺序交付一个提案。`,
      };
    case 'executed':
      return {
        en: `${cap(who.en)} executes request ${str(o.seq)} after 2f+1 commits.`,
        zh: `${who.zh}在收到 2f+1 个 commit 后执行第 ${str(o.seq)} 号请求。`,
      };
    case 'consume':
      return {
        en: `${cap(who.en)} consumes order ${str(o.txn)}’s message.`,
        zh: `${who.zh}消费了订单 ${str(o.txn)} 的消息。`,
      };
    case 'duplicate':
      return {
        en: `${cap(who.en)} receives order ${str(o.txn)} again and skips it: its dedup set remembers it.`,
        zh: `${who.zh}再次收到订单 ${str(o.txn)}，去重集合记得它，于是跳过。`,
      };
  }
  return undefined;
}

/** Suspicions, chains, locks, schedulers, clocks: everything else worth a stop. */
function otherWords(o: Fields, who: Bilingual, v: Vocabulary): Bilingual {
  switch (o.type) {
    case 'enter':
      return num(o.token) !== undefined
        ? {
            en: `${cap(who.en)} ${v.enter.en} with fencing token ${o.token}.`,
            zh: `${who.zh}${v.enter.zh}，防护令牌为 ${o.token}。`,
          }
        : { en: `${cap(who.en)} ${v.enter.en}.`, zh: `${who.zh}${v.enter.zh}。` };
    case 'suspect':
      return num(o.peer) !== undefined
        ? {
            en: `${cap(who.en)} suspects node ${o.peer} has failed.`,
            zh: `${who.zh}怀疑节点 ${o.peer} 已失效。`,
          }
        : {
            en: `${cap(who.en)} suspects the leader is gone and starts an election.`,
            zh: `${who.zh}怀疑领导者已失效，发起选举。`,
          };
    case 'reorg':
      return {
        en: `${cap(who.en)} switches to another chain, reverting ${str(o.depth)} block${o.depth === 1 ? '' : 's'}.`,
        zh: `${who.zh}切换到另一条链，回滚了 ${str(o.depth)} 个区块。`,
      };
    case 'lib':
      return {
        en: `Block ${str(o.height)} becomes irreversible at ${who.en}.`,
        zh: `高度 ${str(o.height)} 的区块在${who.zh}成为不可逆。`,
      };
    case 'mined':
    case 'minted':
    case 'produced':
      return {
        en: `${cap(who.en)} makes a block (${o.type}).`,
        zh: `${who.zh}产生了一个区块（${o.type}）。`,
      };
    case 'refused':
      return {
        en: `${cap(who.en)} refuses an operation on ${str(o.key)}: it reaches no quorum.`,
        zh: `${who.zh}拒绝了对 ${str(o.key)} 的操作：无法达到法定人数。`,
      };
    case 'reject':
      return {
        en: `The storage refuses client ${str(o.client)}’s write: its token ${str(o.token)} is older than one it has seen.`,
        zh: `存储拒绝了客户端 ${str(o.client)} 的写入：其令牌 ${str(o.token)} 比已见过的更旧。`,
      };
    case 'start':
      return {
        en: `A task of job ${str(o.job)} (${str(o.kind)}) starts on machine ${str(o.machine)}.`,
        zh: `作业 ${str(o.job)}（${str(o.kind)}）的一个任务在机器 ${str(o.machine)} 上启动。`,
      };
    case 'conflict':
      return {
        en: `A commit conflicts (job ${str(o.job)}): the scheduler’s snapshot was stale, it retries.`,
        zh: `一次提交发生冲突（作业 ${str(o.job)}）：调度器的快照已过时，重试。`,
      };
    case 'event':
      return {
        en: `${cap(who.en)} records an event (${str(o.kind)}) at logical time ${str(o.time)}.`,
        zh: `${who.zh}记录一个事件（${str(o.kind)}），逻辑时钟为 ${str(o.time)}。`,
      };
  }
  return { en: `${cap(who.en)} outputs ${str(o.type)}.`, zh: `${who.zh}输出 ${str(o.type)}。` };
}

/** A milestone output: what the node said, in words. */
export function milestoneWords(node: number, output: Output, t: number, who: Who): Bilingual {
  const name = nodeName(node, t, { ...who, ledBefore: () => false });
  const o = output as unknown as Fields;
  const v = who.vocabulary;
  const said = roleWords(o, name, v.term) ?? resultWords(o, name, v.term) ?? otherWords(o, name, v);
  return { en: `${ms(t)}: ${said.en}`, zh: `${ms(t)}：${said.zh}` };
}
