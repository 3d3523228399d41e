/** @jsxImportSource preact */
// What a run established, beside the stage: safety checks (red at the step that broke one),
// liveness, metrics, message counts by type with the algorithm's formula, and the messages
// around time t as a sequence diagram.

import type { RunResult } from '../../src/sim/run.js';
import type { LabRun } from './run.js';
import { Sequence } from './sequence.js';
import { colourOf } from './stage.js';

export function Panels(props: {
  run: LabRun;
  result: RunResult;
  t: number;
  types: readonly string[];
}) {
  const { result } = props;
  return (
    <div class="panels">
      <section aria-label="checks">
        <h2>Checks {result.ok ? '✓' : '✗'}</h2>
        <ul class="checks">
          {[...result.invariants, ...result.liveness].map((c) => (
            <li key={c.name} class={c.holds ? 'holds' : 'broken'} data-check={c.name}>
              {c.holds ? '✓' : '✗'} {c.name}
              {c.violation !== null && <div class="violation">{c.violation}</div>}
            </li>
          ))}
        </ul>
      </section>
      <section aria-label="metrics">
        <h2>Metrics</h2>
        <table class="metrics">
          <tbody>
            {Object.entries(result.metrics).map(([k, v]) => (
              <tr key={k}>
                <th scope="row">{k}</th>
                <td data-metric={k}>{String(v)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section aria-label="messages">
        <h2>Messages: {result.messages.sent} sent</h2>
        <table class="counts">
          <tbody>
            {Object.entries(result.messages.byType).map(([type, count]) => (
              <tr key={type}>
                <th scope="row" style={{ color: colourOf(type, props.types) }}>
                  {type}
                </th>
                <td data-type={type}>{count}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {result.messageCount !== null && (
          <p class="formula">
            {result.messageCount.formula}: expected {result.messageCount.expected}, measured{' '}
            {result.messageCount.measured}
          </p>
        )}
      </section>
      <section aria-label="recent messages">
        <h2>Delivered before {props.t.toFixed(0)} ms</h2>
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
