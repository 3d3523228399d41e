/** @jsxImportSource preact */
// The run settings: algorithm, node count, seed, the algorithm's options (named as the
// CLI's flags, their defaults as placeholders, their help a tap away), its named scenarios,
// the fault plan, Run, and the trace's export
// and import. Input that does not parse is reported by the run (use-lab-run.ts), shown here.

import { useState } from 'preact/hooks';
import { listedAlgorithms } from '../../src/algorithms/registry.js';
import { optionFlagName } from '../../src/core/algorithm.js';
import type { FaultPlanError } from '../../src/sim/fault-plan.js';
import { optionHelpIn } from './i18n/registry-text.js';
import { useLang, useT } from './i18n.js';
import type { LabRun } from './run.js';
import { ScenarioPicker } from './scenario-picker.js';
import type { Lab } from './use-lab-run.js';

/** Save the run's trace as JSON lines, the format `cohort sim --trace` writes. */
function exportTrace(run: LabRun, algorithm: string, seed: number) {
  const blob = new Blob([`${run.lines.join('\n')}\n`], { type: 'application/x-ndjson' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = `${algorithm.replace('/', '-')}-seed${seed}.jsonl`;
  a.click();
  URL.revokeObjectURL(a.href);
}

/**
 * One text box per option of the algorithm (empty means the default), each with a "?" that
 * shows its description below it: a tap works where hover does not (a phone).
 */
function OptionInputs({ lab }: { lab: Lab }) {
  const [help, setHelp] = useState<string | null>(null);
  const lang = useLang();
  if (lab.spec === undefined) return null;
  return (
    <>
      {Object.entries(lab.spec.options).map(([name, opt]) => {
        const id = `option-${name}`;
        const open = help === name;
        const said = optionHelpIn(opt.description, lang);
        return (
          <div key={name} class="option" data-option={name}>
            <span class="option-head">
              <label for={id} title={said}>
                {optionFlagName(name)}
              </label>
              <button
                type="button"
                class="help-toggle"
                aria-expanded={open}
                aria-controls={`${id}-help`}
                aria-label={`what ${optionFlagName(name)} means`}
                onClick={() => setHelp(open ? null : name)}
              >
                ?
              </button>
            </span>
            <input
              id={id}
              value={lab.rawOptions[name] ?? ''}
              placeholder={Array.isArray(opt.default) ? opt.default.join(',') : String(opt.default)}
              onInput={(e) =>
                lab.setRawOptions({ ...lab.rawOptions, [name]: e.currentTarget.value })
              }
            />
            {open && (
              <p class="option-help" id={`${id}-help`}>
                {said}
              </p>
            )}
          </div>
        );
      })}
    </>
  );
}

function AlgorithmSelect({ lab }: { lab: Lab }) {
  const t = useT();
  return (
    <label>
      {t('algorithm')}
      <select
        id="algorithm"
        value={lab.algorithm}
        onChange={(e) => lab.selectAlgorithm(e.currentTarget.value)}
      >
        {listedAlgorithms().map((a) => (
          <option value={a.name} key={a.name}>
            {a.name}
          </option>
        ))}
      </select>
    </label>
  );
}

/**
 * A fault plan's error under the plan: the line it is on, a caret under the character
 * (FaultPlanError's position counts from 1 through the whole text), and what was expected.
 */
function PlanError({ plan, error }: { plan: string; error: FaultPlanError }) {
  const at = Math.min(error.position - 1, plan.length);
  const start = plan.lastIndexOf('\n', at - 1) + 1;
  const end = plan.indexOf('\n', at);
  const text = plan.slice(start, end === -1 ? plan.length : end);
  const column = at - start;
  return (
    <div class="plan-error" id="plan-error" role="alert" data-error-column={column + 1}>
      <pre aria-hidden="true">
        <code class="plan-line">{text}</code>
        {'\n'}
        <code class="plan-caret">{`${' '.repeat(column)}^`}</code>
      </pre>
      <p class="error">{error.message}</p>
    </div>
  );
}

/** In lecture mode only the algorithm and its scenarios: the stage gets the screen. */
export function Controls({ lab, lecture }: { lab: Lab; lecture: boolean }) {
  const { run } = lab;
  const t = useT();
  if (lecture)
    return (
      <section class="controls" aria-label="run settings">
        <AlgorithmSelect lab={lab} />
        <ScenarioPicker lab={lab} closeOnPick />
      </section>
    );
  return (
    <section class="controls" aria-label="run settings">
      <AlgorithmSelect lab={lab} />
      <label>
        {t('nodes')}
        <input
          value={lab.nodesText}
          placeholder={t('defaultValue')}
          inputMode="numeric"
          onInput={(e) => lab.setNodesText(e.currentTarget.value)}
        />
      </label>
      <label>
        {t('seed')}
        <input
          value={String(lab.seed)}
          inputMode="numeric"
          onInput={(e) => lab.setSeed(Number(e.currentTarget.value) || 0)}
        />
      </label>
      {/* The plan and Run before the options: their place does not depend on how many
          options the algorithm has, so the box stays put when the algorithm changes. */}
      <div class="faults">
        <label for="fault-plan">{t('faultPlan')}</label>
        <textarea
          id="fault-plan"
          value={lab.faults}
          rows={2}
          placeholder="crash 3 @400; restart 3 @1500; drop 5% @0..2000"
          aria-invalid={lab.planError !== null}
          aria-describedby={lab.planError === null ? undefined : 'plan-error'}
          onInput={(e) => lab.setFaults(e.currentTarget.value)}
        />
        {lab.planError !== null && <PlanError plan={lab.faults} error={lab.planError} />}
      </div>
      <button type="button" id="run" onClick={() => lab.execute()}>
        {t('run')}
      </button>
      <OptionInputs lab={lab} />
      <ScenarioPicker lab={lab} />
      <button
        type="button"
        onClick={() => run !== null && exportTrace(run, lab.algorithm, lab.seed)}
        disabled={run === null}
      >
        {t('exportTrace')}
      </button>
      <label class="import">
        {t('openTrace')}
        <input
          type="file"
          accept=".jsonl,.json,.txt"
          onChange={(e) => lab.importTrace(e.currentTarget.files?.[0])}
        />
      </label>
      {lab.error !== null && (
        <p class="error" role="alert">
          {lab.error}
        </p>
      )}
    </section>
  );
}
