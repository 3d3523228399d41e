// The stage's badges in the page's language. A badge is a node's latest role-like output as
// run.ts names it — the output's type, with its term when it has one ("leader 2",
// "campaign 3"), or "leader is 4" on a node that names its leader — or the node's status
// (crashed, paused). On the Chinese page its word is shown in Chinese, in the notes' terms;
// the number stays. The English stays the badge's identity (data-badge, the tours' reading
// of who led). test/lab-inspect-all.test.ts checks every badge a run shows has its Chinese,
// test/lab-badges.test.ts every word an algorithm's declared output types can show.

import type { Lang } from '../explain/types.js';

const ZH: Readonly<Record<string, string>> = {
  leader: '领导者',
  elected: '当选',
  campaign: '竞选',
  view: '视图',
  accept: '接受',
  ack: '确认',
  acked: '已确认',
  arrive: '作业到达',
  attempt: '尝试加锁',
  begin: '开始事务',
  check: '回查',
  conflict: '冲突',
  consume: '消费',
  decide: '决定',
  decline: '拒绝邀约',
  duplicate: '重复消息',
  end: '结束',
  enter: '进入临界区',
  event: '事件',
  executed: '已执行',
  exit: '退出临界区',
  half: '半消息',
  learned: '已学习',
  lib: '不可逆',
  lock: '加锁',
  majority: '多数派',
  mined: '挖出区块',
  minted: '铸造区块',
  offer: '资源邀约',
  outcome: '事务结果',
  produced: '产出区块',
  refused: '拒绝',
  regenerate: '重新生成令牌',
  reject: '拒绝写入',
  reorg: '链重组',
  request: '请求',
  rescind: '撤回邀约',
  served: '已服务',
  start: '启动',
  suspect: '怀疑',
  trust: '信任',
  unlock: '解锁',
  vote: '投票',
  write: '写入',
  crashed: '已崩溃',
  paused: '已暂停',
};

/** The badge's first word and the rest (a term, or "is N"). */
const parts = (badge: string) => /^(\S+)(.*)$/.exec(badge) ?? ['', badge, ''];

/** The badge as the page shows it. */
export function badgeIn(badge: string, lang: Lang): string {
  if (lang === 'en' || badge === '') return badge;
  const [, word = '', rest = ''] = parts(badge);
  const zh = Object.hasOwn(ZH, word) ? ZH[word] : undefined;
  if (zh === undefined) return badge;
  // "leader is 4": the node names whom it follows.
  const named = /^ is (\d+)$/.exec(rest);
  return named === null ? `${zh}${rest}` : `${zh}是 ${named[1]}`;
}

/** The words that have their Chinese (the test's: none is kept for a word no badge shows). */
export const badgeWords = (): readonly string[] => Object.keys(ZH);

/** Whether the badge's word has its Chinese (the test's). */
export const hasBadgeZh = (badge: string): boolean =>
  badge === '' || Object.hasOwn(ZH, parts(badge)[1] ?? '');
