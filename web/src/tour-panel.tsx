/** @jsxImportSource preact */
// The guided tour of the loaded named scenario (tour/tour.ts): one step at a time, in the
// page's language; "Next" and "Previous" move the run — the slider — to the step's tick
// (pausing playback) and say what to look at there. The steps are derived from the run's
// own trace, so they follow the run that is on the stage; a new run starts the tour over.

import { useMemo, useState } from 'preact/hooks';
import { useLang, useT } from './i18n.js';
import type { LabRun } from './run.js';
import { findScenario } from './scenarios.js';
import { type TourStep, tourOf } from './tour/tour.js';
import type { Lab } from './use-lab-run.js';

export function TourPanel(props: { lab: Lab; run: LabRun; goTo: (t: number) => void }) {
  const { lab, run } = props;
  const scenario = findScenario(lab.spec, lab.scenario);
  const name = run.spec?.name;
  const steps = useMemo(
    () => (scenario !== undefined && name !== undefined ? tourOf(run, scenario, name) : null),
    [run, scenario, name],
  );
  const [at, setAt] = useState<{ steps: readonly TourStep[] | null; index: number }>({
    steps,
    index: 0,
  });
  const lang = useLang();
  const tr = useT();
  if (steps === null || scenario === undefined) return null;
  // Another run's tour starts from its first step.
  const index = at.steps === steps ? at.index : 0;
  const step = steps[index];
  if (step === undefined) return null;
  const go = (next: number) => {
    const target = steps[next];
    if (target === undefined) return;
    setAt({ steps, index: next });
    props.goTo(target.t);
  };
  return (
    <section class="tour" aria-label={tr('tour')} data-tour={scenario.name}>
      <header>
        <h2>
          {tr('tour')}: {scenario.name}
        </h2>
        <span class="tour-count">
          {tr('tourStep')} {index + 1} {tr('tourOf')} {steps.length}
        </span>
      </header>
      <p class="tour-text" aria-live="polite" data-tour-step={index} data-tour-kind={step.kind}>
        {step.text[lang]}
      </p>
      <div class="tour-buttons">
        <button
          type="button"
          class="tour-previous"
          disabled={index === 0}
          onClick={() => go(index - 1)}
        >
          {tr('tourPrevious')}
        </button>
        <button
          type="button"
          class="tour-next"
          disabled={index === steps.length - 1}
          onClick={() => go(index + 1)}
        >
          {tr('tourNext')}
        </button>
      </div>
    </section>
  );
}
