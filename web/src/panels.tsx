/** @jsxImportSource preact */
// What a run established, beside the stage: safety checks (red at the step that broke one),
// liveness, metrics, message counts by type with the algorithm's formula, and the messages
// around time t as a sequence diagram. The checks follow the slider: a broken safety check
// "holds so far" before its step and raises the alarm from it on; liveness is judged at the
// end of the run, so its verdict waits for the slider to get there.

import type { CheckResult, RunResult } from '../../src/sim/run.js';
import { colourOf } from './colours.js';
import { checkNameIn, formulaIn, metricNameIn } from './i18n/registry-text.js';
import { useLang, useT } from './i18n.js';
import type { LabRun } from './run.js';
import { Sequence } from './sequence.js';
import { ViolationText } from './violation-text.js';

/** How simulate() words a liveness check it did not judge. */
const NOT_JUDGED = /^not judged\b/;

/** The safety and liveness checks, each shown as it stands at time t. */
function ChecksSection(props: { run: LabRun; result: RunResult; t: number }) {
  const { result, run, t } = props;
  const tr = useT();
  const lang = useLang();
  const named = (c: CheckResult) => checkNameIn(c.name, lang);
  /** When a failed check's failure shows: its violation's step, or the end of the run. */
  const shownFrom = (c: CheckResult, safety: boolean) =>
    (safety ? run.violations.find((v) => v.check === c.name)?.t : undefined) ?? run.endMs;
  const checks = [
    ...result.invariants.map((c) => ({ c, safety: true })),
    ...result.liveness.map((c) => ({ c, safety: false })),
  ].map(({ c, safety }) => ({
    c,
    safety,
    // A liveness check the run never judged (it stopped at a safety violation) did not
    // fail: it shows neutral, not as a red ✗.
    unjudged: !safety && !c.holds && NOT_JUDGED.test(c.violation ?? ''),
    fired: !c.holds && t >= shownFrom(c, safety),
  }));
  const anyFired = checks.some((x) => x.fired && !x.unjudged);
  return (
    <section aria-label="checks">
      <h2>
        {tr('checks')} {anyFired ? '✗' : result.ok ? '✓' : '…'}
      </h2>
      <ul class="checks">
        {checks.map(({ c, safety, fired, unjudged }) =>
          unjudged ? (
            <li key={c.name} class="not-judged" data-check={c.name} data-verdict="not-judged">
              – {named(c)}{' '}
              <span class="so-far">{lang === 'zh' ? tr('notJudged') : c.violation}</span>
            </li>
          ) : c.holds ? (
            <li key={c.name} class="holds" data-check={c.name}>
              ✓ {named(c)}
            </li>
          ) : fired ? (
            <li key={c.name} class="broken" data-check={c.name} role={safety ? 'alert' : undefined}>
              ✗ {named(c)}
              {c.violation !== null && <ViolationText message={c.violation} />}
            </li>
          ) : (
            <li key={c.name} class="pending" data-check={c.name}>
              ○ {named(c)}{' '}
              <span class="so-far">{safety ? tr('holdsSoFar') : tr('judgedAtEnd')}</span>
            </li>
          ),
        )}
      </ul>
    </section>
  );
}

/** Message totals, counts by type (with the stage's colour swatches) and the formula. */
function MessagesSection(props: { result: RunResult; types: readonly string[] }) {
  const { result } = props;
  const tr = useT();
  const lang = useLang();
  return (
    <section aria-label="messages">
      <h2 data-message-totals>
        {tr('messages')}: {result.messages.sent} {tr('sent')}, {result.messages.dropped}{' '}
        {tr('dropped')}, {result.messages.duplicated} {tr('duplicated')}
      </h2>
      <table class="counts">
        <tbody>
          {Object.entries(result.messages.byType).map(([type, count]) => (
            <tr key={type}>
              <th scope="row">
                {/* The type's colour on the stage, as a swatch: coloured text on white
                    would be too faint to read for half the palette. */}
                <span
                  class="swatch"
                  aria-hidden="true"
                  style={{ background: colourOf(type, props.types) }}
                />
                {type}
              </th>
              <td data-type={type}>{count}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {result.messageCount !== null && (
        <p class="formula">
          {formulaIn(result.messageCount.formula, lang)}: {tr('expected')}{' '}
          {result.messageCount.expected}, {tr('measured')} {result.messageCount.measured}
        </p>
      )}
    </section>
  );
}

/**
 * A metric as the table shows it: a mean or a latency to three decimals (a sum of floats
 * prints as 20.353999999999996 and would spill into the next column); the exact value stays
 * in the cell's title, as `cohort sim` prints it.
 */
const shownMetric = (v: unknown) =>
  typeof v === 'number' && !Number.isInteger(v) ? String(Number(v.toFixed(3))) : String(v);

export function Panels(props: {
  run: LabRun;
  result: RunResult;
  t: number;
  types: readonly string[];
}) {
  const { result, run, t } = props;
  const tr = useT();
  const lang = useLang();
  return (
    <div class="panels">
      <ChecksSection run={run} result={result} t={t} />
      <section aria-label="metrics">
        <h2>{tr('metrics')}</h2>
        <table class="metrics">
          <tbody>
            {Object.entries(result.metrics).map(([k, v]) => (
              <tr key={k}>
                {/* The name as `cohort sim --json` prints it stays on hover. */}
                <th scope="row" title={k}>
                  {metricNameIn(k, lang)}
                </th>
                <td data-metric={k} title={String(v)}>
                  {shownMetric(v)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <MessagesSection result={result} types={props.types} />
      <section aria-label="recent messages">
        <h2>
          {tr('deliveredBefore')} {props.t.toFixed(0)} ms
        </h2>
        <Sequence
          flights={props.run.flights}
          nodes={props.run.nodes}
          t={props.t}
          types={props.types}
        />
      </section>
    </div>
  );
}
