// A named scenario's guided tour: its moments (moments.ts, derived from the run's trace)
// as steps, each at a tick of the run and with what to look at there in English and Chinese
// (words.ts). "Next" on the page moves the slider to the next step's tick. The opening
// restates the scenario as the registry describes it (in Chinese, i18n/registry-text.ts);
// the last step reads the checks.

import type { Scenario } from '../../../src/core/algorithm.js';
import type { Bilingual } from '../explain/types.js';
import { checkNameIn, scenarioDescriptionIn } from '../i18n/registry-text.js';
import { violationZh } from '../i18n/violations.js';
import { type LabRun, nodesAt } from '../run.js';
import { type Moment, momentsOf } from './moments.js';
import { vocabularyOf } from './vocabulary.js';
import { faultWords, milestoneWords, type Who } from './words.js';

export interface TourStep {
  readonly kind: Moment['kind'];
  /** The tick the slider moves to (ms, within the run). */
  readonly t: number;
  readonly text: Bilingual;
}

const ms = (t: number) => `${Number(t.toFixed(1))} ms`;

function expectation(s: Scenario): Bilingual {
  const { safety, liveness } = s.expect;
  if (safety === 'violated')
    return liveness === 'violated'
      ? { en: 'safety breaks and progress stalls', zh: '安全性被破坏，进展也停滞' }
      : { en: 'a safety check breaks', zh: '某项安全性检查被破坏' };
  return liveness === 'violated'
    ? { en: 'safety holds but progress stalls', zh: '安全性成立，但进展停滞' }
    : { en: 'every check holds throughout', zh: '所有检查始终成立' };
}

function setupWords(s: Scenario, algorithm: string): Bilingual {
  const e = expectation(s);
  return {
    en: `Scenario ${s.name}: ${s.description} Expected: ${e.en}. Press Next to go to each moment that matters.`,
    zh: `场景 ${s.name}：${scenarioDescriptionIn(algorithm, s, 'zh')}预期：${e.zh}。按“下一步”跳到每个关键时刻。`,
  };
}

function violationWords(m: Extract<Moment, { kind: 'violation' }>): Bilingual {
  return {
    en: `${ms(m.t)}: the invariant “${m.check}” breaks — the red tick on the slider, and the check turns red under Checks: ${m.violation}. The run stops here.`,
    zh: `${ms(m.t)}：不变式 “${checkNameIn(m.check, 'zh')}” 被破坏——时间轴上的红色刻度，“检查”面板中它变红：${violationZh(m.violation)}。运行在此停止。`,
  };
}

function endWords(run: LabRun, t: number): Bilingual {
  const result = run.result;
  if (result === null) return { en: `The end (${ms(t)}).`, zh: `结束（${ms(t)}）。` };
  const broken = result.invariants.filter((c) => !c.holds).map((c) => c.name);
  const failed = result.liveness.filter((c) => !c.holds);
  const quoted = (names: readonly string[], lang: 'en' | 'zh') =>
    names.map((name) => `“${checkNameIn(name, lang)}”`);
  const safety =
    broken.length === 0
      ? { en: 'every safety check held', zh: '所有安全性检查都成立' }
      : {
          en: `safety broke: ${quoted(broken, 'en').join(', ')} (red under Checks)`,
          zh: `安全性被破坏：${quoted(broken, 'zh').join('、')}（“检查”面板中为红色）`,
        };
  const liveness =
    failed.length === 0
      ? { en: 'progress was made', zh: '进展检查成立' }
      : {
          en: `progress failed: ${failed.map((c) => `${c.name} — ${c.violation ?? ''}`).join('; ')}`,
          zh: `进展检查未通过：${failed.map((c) => `${checkNameIn(c.name, 'zh')} — ${violationZh(c.violation ?? '')}`).join('；')}`,
        };
  return {
    en: `The end (${ms(t)}): ${safety.en}; ${liveness.en}. Read Checks and Metrics beside the stage.`,
    zh: `运行结束（${ms(t)}）：${safety.zh}；${liveness.zh}。请查看舞台旁的“检查”和“指标”。`,
  };
}

/** Whether node `id` led just before t: its badge then claimed leadership. */
function leaderBefore(run: LabRun): Who['ledBefore'] {
  return (id, t) => {
    const badge = nodesAt(run, t - 1e-6)[id - 1]?.badge ?? '';
    return badge === 'leader' || /^(leader|elected) \d+$/.test(badge);
  };
}

/** The tour of the scenario this run was made from. */
export function tourOf(run: LabRun, scenario: Scenario, algorithm: string): TourStep[] {
  const who: Who = { vocabulary: vocabularyOf(algorithm), ledBefore: leaderBefore(run) };
  return momentsOf(run).map((m) => ({ kind: m.kind, t: m.t, text: textOf(m) }));

  function textOf(m: Moment): Bilingual {
    if (m.kind === 'setup') return setupWords(scenario, algorithm);
    if (m.kind === 'milestone') return milestoneWords(m.node, m.output, m.t, who);
    if (m.kind === 'fault') return faultWords(m.fault, m.t, who);
    if (m.kind === 'violation') return violationWords(m);
    return endWords(run, m.t);
  }
}
