/** @jsxImportSource preact */
// The algorithm's named scenarios — the registry's, as `cohort sim list` shows them — each
// with its one-line explanation and what it is expected to show; choosing one loads its
// options, cluster size, fault plan and duration and runs it. The loaded scenario stays
// named above the stage with its explanation, and a button goes back to the defaults.

import type { Scenario } from '../../src/core/algorithm.js';
import { scenarioDescriptionIn } from './i18n/registry-text.js';
import { type ChromeKey, useLang, useT } from './i18n.js';
import { findScenario } from './scenarios.js';
import type { Lab } from './use-lab-run.js';

/** What a scenario is expected to show, in words. */
function expectation(s: Scenario, t: (key: ChromeKey) => string): string {
  const { safety, liveness } = s.expect;
  if (safety === 'hold' && liveness === 'hold') return t('checksHold');
  return [
    safety === 'violated' ? t('safetyBreaks') : t('safetyHolds'),
    liveness === 'violated' ? t('progressStalls') : t('progressHolds'),
  ].join(', ');
}

/** `closeOnPick` (lecture mode): the list folds away once a scenario is chosen, for the stage. */
export function ScenarioPicker({ lab, closeOnPick = false }: { lab: Lab; closeOnPick?: boolean }) {
  const scenarios = lab.spec?.scenarios ?? [];
  const current = findScenario(lab.spec, lab.scenario);
  const t = useT();
  const lang = useLang();
  const algorithm = lab.spec?.name ?? '';
  if (scenarios.length === 0) return null;
  return (
    <section class="scenarios" aria-label="named scenarios">
      <details>
        <summary>
          {t('namedScenarios')} ({scenarios.length}): {t('scenariosWhy')}
        </summary>
        <ul>
          {scenarios.map((s) => (
            <li key={s.name}>
              <button
                type="button"
                data-scenario={s.name}
                aria-pressed={s.name === lab.scenario}
                onClick={(e) => {
                  if (closeOnPick) e.currentTarget.closest('details')?.removeAttribute('open');
                  lab.selectScenario(s.name);
                }}
              >
                {s.name}
              </button>{' '}
              <span class="scenario-description">{scenarioDescriptionIn(algorithm, s, lang)}</span>{' '}
              <span class={`expect ${s.expect.safety === 'violated' ? 'breaks' : ''}`}>
                ({expectation(s, t)})
              </span>
            </li>
          ))}
        </ul>
      </details>
      {current !== undefined && (
        <p class="scenario-now" data-scenario-now={current.name}>
          {t('scenario')} <strong>{current.name}</strong>:{' '}
          {scenarioDescriptionIn(algorithm, current, lang)}{' '}
          <span class="expect">({expectation(current, t)})</span>{' '}
          <button type="button" onClick={() => lab.selectScenario('')}>
            {t('backToDefaults')}
          </button>
        </p>
      )}
    </section>
  );
}
