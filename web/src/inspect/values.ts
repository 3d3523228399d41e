// The inspector's values in both languages. A field's value is mostly the state's own data
// (numbers, ids, hashes, keys, a JSON request), shown as it is; the words among it — a
// node's role, phase or status as its algorithm names them (follower, pre-candidate,
// view-change, LOOKING), a transaction's outcome, a SWIM member's status, a general's order —
// are shown in Chinese on the Chinese page, with the notes' terms (领导者, 跟随者, 候选人,
// 协调者, 参与者, 令牌 …). A value that is a single word is looked up whole; in a longer one
// ("abort 1, commit 4", "alive 2, suspect 1") each word is, and JSON stays as it is.
// test/lab-inspect-all.test.ts checks that every word a real run shows has its Chinese.

import type { Lang } from '../explain/types.js';

const ZH: Readonly<Record<string, string>> = {
  // Roles.
  leader: '领导者',
  follower: '跟随者',
  candidate: '候选人',
  'pre-candidate': '预候选人',
  'awaiting-victory': '等待胜利宣告',
  claiming: '宣告胜利中',
  out: '已退出',
  participant: '参与者',
  looking: '寻找领导者',
  establishing: '建立领导关系中',
  observer: '观察者',
  LOOKING: '寻找领导者（LOOKING）',
  FOLLOWING: '跟随中（FOLLOWING）',
  LEADING: '领导中（LEADING）',
  OBSERVING: '观察中（OBSERVING）',
  coordinator: '协调者',
  cohort: '参与者',
  client: '客户端',
  server: '服务器',
  storage: '存储节点',
  instance: '锁实例',
  tm: '事务管理器（TM）',
  rm: '资源管理器（RM）',
  acceptor: '接受者',
  producer: '生产者（订单服务）',
  broker: '消息代理（Broker）',
  consumer: '消费者',
  scheduler: '调度器',
  machine: '机器',
  master: '主节点',
  framework: '框架',
  // Phases and statuses.
  idle: '空闲',
  wanting: '申请中',
  inside: '在临界区内',
  waiting: '等待中',
  working: '工作中',
  writing: '写入中',
  releasing: '释放中',
  acquiring: '加锁中',
  holding: '持有锁',
  backoff: '退避中',
  checking: '检查中',
  watching: '监视前驱',
  preparing: '准备阶段',
  accepting: '接受阶段',
  done: '已完成',
  voting: '投票阶段',
  precommit: '预提交',
  election: '选举',
  sync: '同步',
  broadcast: '广播',
  normal: '正常',
  'view-change': '视图变更',
  opening: '开启中',
  open: '开放',
  probe: '探测',
  replicate: '复制',
  snapshot: '快照',
  // Outcomes, members' statuses, orders.
  commit: '提交',
  abort: '中止',
  rollback: '回滚',
  unknown: '未知',
  alive: '存活',
  suspect: '被怀疑',
  faulty: '已失效',
  up: '在线',
  down: '下线',
  indirect: '间接',
  attack: '进攻',
  retreat: '撤退',
  // A quorum store's operations.
  get: '读',
  put: '写',
};

const WORD = /^[A-Za-z][A-Za-z-]*$/;

/** Whether a value is data to show as it is: JSON, or not a word at all. */
const isData = (value: string) => value.startsWith('{') || value.startsWith('[');

/** The value in the page's language. */
export function valueIn(value: string, lang: Lang): string {
  if (lang === 'en' || isData(value)) return value;
  if (Object.hasOwn(ZH, value)) return ZH[value] as string;
  return value.replace(
    /\b[A-Za-z][A-Za-z-]*\b/g,
    (w) => (Object.hasOwn(ZH, w) ? ZH[w] : w) as string,
  );
}

/** A boolean value in the page's language. */
export const yesNo = (value: boolean, lang: Lang): string =>
  lang === 'zh' ? (value ? '是' : '否') : String(value);

/**
 * The words of a value that Chinese leaves in English (the test's): a word of two letters or
 * more that the table lacks. One-letter words are data (a gossiped set's elements).
 */
export function untranslatedWords(value: string): string[] {
  if (isData(value)) return [];
  const words = WORD.test(value) ? [value] : (value.match(/\b[A-Za-z][A-Za-z-]*\b/g) ?? []);
  return words.filter((w) => w.length > 1 && !Object.hasOwn(ZH, w));
}
