// The page's language: English or Chinese, chosen by the EN/中文 switch and kept in the URL as
// `lang=zh` (English, the default, leaves it out), so a shared link opens in the reader's
// language. The page's own words (labels, buttons, headings) come from CHROME below, the
// algorithms' explanations from explain/, the registry's summaries and scenario descriptions
// from i18n/registry-text.ts (with option help, check and metric names, and formulas from
// the other i18n/zh-*.ts tables; violation messages from i18n/violations.ts), the inspector's
// labels and values from inspect/labels.ts and inspect/values.ts. Flag and scenario names
// stay as the CLI prints them.

import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Lang } from './explain/types.js';

export type { Lang };

const CHROME = {
  title: { en: 'Cohort Lab', zh: 'Cohort 实验室' },
  language: { en: 'language', zh: '语言' },
  notes: { en: 'notes', zh: '笔记' },
  algorithm: { en: 'algorithm', zh: '算法' },
  nodes: { en: 'nodes', zh: '节点数' },
  seed: { en: 'seed', zh: '随机种子' },
  defaultValue: { en: 'default', zh: '默认' },
  faultPlan: { en: 'fault plan', zh: '故障计划' },
  run: { en: 'Run', zh: '运行' },
  exportTrace: { en: 'Export trace', zh: '导出轨迹' },
  openTrace: { en: 'open a trace (cohort sim --trace)', zh: '打开轨迹文件（cohort sim --trace）' },
  time: { en: 'time', zh: '时间' },
  play: { en: 'Play', zh: '播放' },
  pause: { en: 'Pause', zh: '暂停' },
  replay: { en: 'Replay', zh: '重播' },
  step: { en: 'Step', zh: '单步' },
  speed: { en: 'speed', zh: '速度' },
  jumpToViolation: { en: 'Jump to violation', zh: '跳到违例处' },
  healLinks: { en: 'Heal links', zh: '修复所有链路' },
  hintBefore: {
    en: 'Click or tap a node to inspect it (',
    zh: '点击节点查看其状态（',
  },
  hintAfter: {
    en: ' crashes or restarts it), a message to read it, a link to cut or heal it. A hollow dot is a message being dropped.',
    zh: ' 键使其崩溃或重启），点击消息阅读其内容，点击链路切断或修复它。空心圆点是正在被丢弃的消息。',
  },
  traceOnly: {
    en: 'A trace from a file that its settings do not reproduce: its checks are read from its records, without metrics.',
    zh: '来自文件的轨迹，其设置无法重现该运行：检查结果取自轨迹记录，没有指标。',
  },
  traceSafety: {
    en: 'no safety check broke (the trace records every violation)',
    zh: '没有安全性检查被违反（轨迹会记录每一次违反）',
  },
  traceLiveness: {
    en: 'liveness: not judged (a trace holds no final state)',
    zh: '活性：未判定（轨迹不含最终状态）',
  },
  stale: {
    en: 'The settings changed since this run: press Run to see them.',
    zh: '设置已在此次运行后更改：按“运行”查看新结果。',
  },
  checks: { en: 'Checks', zh: '检查' },
  holdsSoFar: { en: 'holds so far', zh: '目前成立' },
  judgedAtEnd: { en: 'judged at the end', zh: '运行结束时判定' },
  notJudged: {
    en: 'not judged: the run stopped at a safety violation',
    zh: '未判定：运行在违反安全性处停止',
  },
  metrics: { en: 'Metrics', zh: '指标' },
  messages: { en: 'Messages', zh: '消息' },
  sent: { en: 'sent', zh: '已发送' },
  dropped: { en: 'dropped', zh: '已丢弃' },
  duplicated: { en: 'duplicated', zh: '已重复' },
  expected: { en: 'expected', zh: '预期' },
  measured: { en: 'measured', zh: '实测' },
  deliveredBefore: { en: 'Delivered before', zh: '已送达，截至' },
  namedScenarios: { en: 'Named scenarios', zh: '命名场景' },
  scenariosWhy: {
    en: 'runs that show what this algorithm does under faults',
    zh: '展示该算法在故障下表现的运行',
  },
  scenario: { en: 'Scenario', zh: '场景' },
  backToDefaults: { en: 'Back to defaults', zh: '恢复默认' },
  checksHold: { en: 'checks hold', zh: '检查全部成立' },
  safetyBreaks: { en: 'safety breaks', zh: '安全性被破坏' },
  safetyHolds: { en: 'safety holds', zh: '安全性成立' },
  progressStalls: { en: 'progress stalls', zh: '进展停滞' },
  progressHolds: { en: 'progress holds', zh: '进展正常' },
  node: { en: 'Node', zh: '节点' },
  at: { en: 'at', zh: '时刻' },
  crashHere: { en: 'Crash here', zh: '在此崩溃' },
  restartHere: { en: 'Restart here', zh: '在此重启' },
  fullState: { en: 'Full state', zh: '完整状态' },
  statusUp: { en: 'up', zh: '运行中' },
  statusCrashed: { en: 'crashed', zh: '已崩溃' },
  statusPaused: { en: 'paused', zh: '已暂停' },
  restartedTimes: { en: 'restarted', zh: '已重启' },
  logEmpty: { en: 'empty', zh: '空' },
  logCompacted: { en: 'after compacting', zh: '已压缩' },
  logEarlier: { en: 'earlier…', zh: '条更早的条目…' },
  msgSentAt: { en: 'sent at', zh: '发送于' },
  dropsFrom: { en: 'dropped from', zh: '条消息被丢弃，自' },
  brokeAt: { en: 'broke at', zh: '被破坏于' },
  msgDeliveredAt: { en: 'delivered at', zh: '送达于' },
  msgDropped: { en: 'dropped', zh: '被丢弃' },
  dropLoss: { en: 'lost on the link', zh: '在链路上丢失' },
  dropPartition: { en: 'the link was cut', zh: '链路被切断' },
  dropDown: { en: 'the receiver was down', zh: '接收方已宕机' },
  dropMalformed: { en: "the receiver's parser refused it", zh: '接收方的解析器拒绝了它' },
  msgDuplicate: { en: ' (a second copy made by the network)', zh: '（网络复制出的第二份）' },
  plotMutex: { en: 'Plot the mutex family', zh: '绘制互斥算法族的对比图' },
  plotElection: { en: 'Plot the election family', zh: '绘制选举算法族的对比图' },
  plotMutexTitle: {
    en: 'Messages per critical-section entry (seed 1, defaults)',
    zh: '每次进入临界区的消息数（种子 1，默认设置）',
  },
  plotElectionTitle: {
    en: 'Election time over {n} seeds, no faults (quantiles)',
    zh: '{n} 个种子下的选举耗时，无故障（分位数）',
  },
  plotNodes: { en: 'nodes', zh: '节点数' },
  plotPerEntry: { en: 'messages per entry', zh: '每次进入的消息数' },
  plotPercentile: { en: 'percentile', zh: '百分位' },
  plotElectionMs: { en: 'election time ms', zh: '选举耗时（毫秒）' },
  downNote: {
    en: 'Down: its process and volatile state are gone; what it wrote to disk stays.',
    zh: '已宕机：进程和易失状态已丢失；写入磁盘的内容仍在。',
  },
  traceNoState: {
    en: 'A trace from a file records events, not state: replay a run to see it.',
    zh: '来自文件的轨迹只记录事件，不记录状态：重新运行才能查看状态。',
  },
  explanation: { en: 'How it works', zh: '算法讲解' },
  correctness: { en: 'Why it is correct', zh: '为什么正确' },
  invariants: { en: 'Invariants', zh: '不变式' },
  faultModel: { en: 'Fault model', zh: '故障模型' },
  messageFormula: { en: 'Messages', zh: '消息数' },
  seedPassage: { en: 'From the notes', zh: '笔记原文' },
  rendering: { en: 'In English', zh: '英文译文' },
  tour: { en: 'Guided tour', zh: '导览' },
  lectureMode: { en: 'Lecture mode', zh: '讲课模式' },
  tourNext: { en: 'Next', zh: '下一步' },
  tourPrevious: { en: 'Previous', zh: '上一步' },
  tourStep: { en: 'Step', zh: '步骤' },
  tourOf: { en: 'of', zh: '/' },
  views: { en: 'views', zh: '视图' },
  viewSimulator: { en: 'Simulator', zh: '模拟器' },
  viewPartitioning: { en: 'Partitioning', zh: '数据分区' },
  pTitle: {
    en: 'Partitioning: load balance and keys moved',
    zh: '数据分区：负载均衡与迁移的键',
  },
  pIntro: {
    en: 'Every scheme maps the same synthetic keys (key:0, key:1, …) to nodes n1 … nN; then one node is added or removed and the keys whose node changed are counted. The figures are the library’s, the same as this command prints:',
    zh: '每种方案把同一批合成键（key:0、key:1 …）映射到节点 n1 … nN；随后增加或移除一个节点，统计所属节点发生变化的键。数字来自同一个库，与下面这条命令的输出相同：',
  },
  pNodes: { en: 'nodes', zh: '节点数' },
  pWeights: { en: 'weights (optional, e.g. 1,2,1)', zh: '权重（可选，如 1,2,1）' },
  pVnodes: { en: 'virtual nodes per unit of weight', zh: '每单位权重的虚拟节点数' },
  pKeys: { en: 'keys', zh: '键的数量' },
  pHash: { en: 'hash', zh: '哈希函数' },
  pChange: { en: 'change', zh: '变更' },
  pAdd: { en: 'add a node', zh: '增加一个节点' },
  pRemove: { en: 'remove node', zh: '移除节点' },
  pWeightedNote: {
    en: 'With weights only the schemes that take them are shown (consistent hashing, ketama, rendezvous).',
    zh: '设置权重时只显示支持权重的方案（一致性哈希、ketama、最高随机权重哈希）。',
  },
  pKeysPerNode: { en: 'keys per node', zh: '每个节点的键数' },
  pMean: { en: 'mean', zh: '平均' },
  pMaxMean: { en: 'max/mean', zh: '最大/平均' },
  pStddevMean: { en: 'stddev/mean', zh: '标准差/平均' },
  pMoved: { en: 'moved', zh: '实际迁移' },
  pExpected: { en: 'expected', zh: '预期' },
  pLeast: { en: 'least possible', zh: '最少可能' },
  pMovedBy: { en: 'keys moved by', zh: '迁移的键：' },
  pSlotsMoved: { en: 'slots change master', zh: '个哈希槽更换主节点' },
  schemeModn: { en: 'hash mod N', zh: '哈希取模（mod N）' },
  schemeRing: { en: 'consistent hashing', zh: '一致性哈希' },
  schemeVnodes: { en: 'virtual nodes', zh: '个虚拟节点' },
  schemeKetama: { en: 'ketama (memcached clients)', zh: 'ketama（memcached 客户端）' },
  schemeJump: { en: 'jump consistent hash', zh: '跳跃一致性哈希' },
  schemeRendezvous: {
    en: 'rendezvous (highest random weight)',
    zh: '最高随机权重哈希（rendezvous）',
  },
  schemeSlots: { en: 'Redis Cluster 16,384 slots', zh: 'Redis Cluster 16384 个哈希槽' },
} as const satisfies Record<string, Record<Lang, string>>;

export type ChromeKey = keyof typeof CHROME;

export function chrome(key: ChromeKey, lang: Lang): string {
  return CHROME[key][lang];
}

/** The URL's language: `lang=zh` is Chinese, anything else English. */
export function readLang(): Lang {
  return new URLSearchParams(location.search).get('lang') === 'zh' ? 'zh' : 'en';
}

/** Puts the language in the URL (keeping the run's settings) and on the document. */
export function writeLang(lang: Lang): void {
  const q = new URLSearchParams(location.search);
  if (lang === 'zh') q.set('lang', 'zh');
  else q.delete('lang');
  history.replaceState(null, '', `?${q.toString()}${location.hash}`);
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
}

export const LangContext = createContext<Lang>('en');

/** The chrome string for `key` in the page's language. */
export function useT(): (key: ChromeKey) => string {
  const lang = useContext(LangContext);
  return (key) => CHROME[key][lang];
}

export const useLang = () => useContext(LangContext);
