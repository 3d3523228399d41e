/** @jsxImportSource preact */
// The checks of a trace opened on its own (trace-import.ts could not reproduce its run): the
// simulator writes a record for the safety check that broke, so the trace says which did and
// when — shown as the run's checks are, following the slider — or that none did. Liveness
// needs the run's final state, which a trace does not hold: not judged, shown neutral.

import { checkNameIn } from './i18n/registry-text.js';
import { useLang, useT } from './i18n.js';
import type { LabRun } from './run.js';
import { ViolationText } from './violation-text.js';

export function TraceChecks({ run, t }: { run: LabRun; t: number }) {
  const tr = useT();
  const lang = useLang();
  const broke = run.violations.some((v) => t >= v.t);
  return (
    <section aria-label="checks" class="trace-checks">
      <h2>
        {tr('checks')} {broke ? '✗' : '…'}
      </h2>
      <p class="note">{tr('traceOnly')}</p>
      <ul class="checks">
        {run.violations.map((v) =>
          t >= v.t ? (
            <li key={v.check} class="broken" data-check={v.check} role="alert">
              ✗ {checkNameIn(v.check, lang)}
              <ViolationText message={`${v.violation} (at ${v.t} ms)`} />
            </li>
          ) : (
            <li key={v.check} class="pending" data-check={v.check}>
              ○ {checkNameIn(v.check, lang)} <span class="so-far">{tr('holdsSoFar')}</span>
            </li>
          ),
        )}
        {run.violations.length === 0 && (
          <li class="holds" data-check="safety">
            ✓ {tr('traceSafety')}
          </li>
        )}
        <li class="not-judged" data-check="liveness" data-verdict="not-judged">
          – {tr('traceLiveness')}
        </li>
      </ul>
    </section>
  );
}
