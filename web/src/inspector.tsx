/** @jsxImportSource preact */
// The node inspector: a click (or Enter) on a node opens it with that node's full state at
// the slider's time, replayed by the state probe — first the fields its algorithm declares
// (inspect/fields.ts: Raft's term, vote, log and peers…) and the pictures its drawing
// declares (Maekawa's quorum grid, a chain's block tree), then everything the kernel keeps,
// nested values collapsed. Crashing and restarting the node happen here (a button, or the
// key C while the inspector is open), so a click on the stage only inspects. A trace opened
// from a file has no run to replay: the inspector says so and shows status and badge only.

import { InspectorDrawings } from './drawings/inspector-drawings.js';
import { useLang, useT } from './i18n.js';
import type { FieldValue, InspectorField } from './inspect/fields.js';
import { inspectorFieldsOf } from './inspect/fields.js';
import { labelOf } from './inspect/labels.js';
import { valueIn, yesNo } from './inspect/values.js';
import type { LabRun, NodeView } from './run.js';
import { formatScalar } from './state-format.js';
import type { StateProbe } from './state-probe.js';
import { StateTree } from './state-tree.js';

function LogGrid(props: { value: Extract<FieldValue, { kind: 'log' }> }) {
  const { cells, before } = props.value;
  const tr = useT();
  if (cells.length === 0)
    return (
      <span class="scalar">
        {tr('logEmpty')}
        {before > 0 ? ` (${tr('logCompacted')} ${before})` : ''}
      </span>
    );
  return (
    <ol class="log-grid" aria-label="log entries, committed then uncommitted">
      {before > 0 && (
        <li class="log-before">
          {before} {tr('logEarlier')}
        </li>
      )}
      {cells.map((c) => (
        <li
          key={c.index}
          class={`log-cell ${c.committed ? 'committed' : 'uncommitted'}`}
          data-log-index={c.index}
          data-committed={String(c.committed)}
          title={`#${c.index}, term ${c.term}: ${c.what}${c.committed ? '' : ' (not committed)'}`}
          aria-label={`entry ${c.index}, term ${c.term}, ${c.committed ? 'committed' : 'uncommitted'}`}
        >
          <span class="log-index">{c.index}</span>
          {c.term}
        </li>
      ))}
    </ol>
  );
}

const STATUS = { up: 'statusUp', crashed: 'statusCrashed', paused: 'statusPaused' } as const;

function FieldCell(props: { value: FieldValue }) {
  const { value } = props;
  const lang = useLang();
  if (value === null || typeof value !== 'object')
    return (
      <span class="scalar">
        {value === null
          ? '—'
          : typeof value === 'string'
            ? valueIn(value, lang)
            : typeof value === 'boolean'
              ? yesNo(value, lang)
              : formatScalar(value)}
      </span>
    );
  if (value.kind === 'log') return <LogGrid value={value} />;
  return (
    <table class="field-table">
      <thead>
        <tr>
          {value.columns.map((c) => (
            <th key={c} scope="col" data-column={c}>
              {labelOf(c, lang)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {value.rows.map((row) => (
          <tr key={String(row[0])}>
            {row.map((x, i) => (
              <td key={value.columns[i]}>{typeof x === 'string' ? valueIn(x, lang) : x}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Fields(props: { fields: readonly InspectorField[] }) {
  const lang = useLang();
  return (
    <table class="fields">
      <tbody>
        {props.fields.map((f) => (
          <tr key={f.label} data-inspect={f.label}>
            <th scope="row">{labelOf(f.label, lang)}</th>
            <td>
              <FieldCell value={f.value} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Inspector(props: {
  run: LabRun;
  probe: StateProbe | null;
  view: NodeView;
  t: number;
  onToggleCrash: () => void;
  onClose: () => void;
}) {
  const { run, probe, view, t } = props;
  const node = probe?.at(view.id, t);
  const down = view.status === 'crashed';
  const fields = node?.up ? inspectorFieldsOf(run.spec?.name ?? '', node.state) : undefined;
  const tr = useT();
  return (
    <section class="inspector" aria-label={`node ${view.id} inspector`} data-inspector={view.id}>
      <header>
        <h2>
          {tr('node')} {view.id}{' '}
          <span class="at">
            {tr('at')} {t.toFixed(1)} ms
          </span>
        </h2>
        <span class={`status ${view.status}`}>{tr(STATUS[view.status])}</span>
        {view.badge !== '' && <span class="inspector-badge">{view.badge}</span>}
        {node !== undefined && node.incarnation > 0 && (
          <span class="incarnation">
            {tr('restartedTimes')} {node.incarnation}×
          </span>
        )}
        <button type="button" class="crash-toggle" onClick={props.onToggleCrash}>
          {down ? tr('restartHere') : tr('crashHere')} <kbd>C</kbd>
        </button>
        <button
          type="button"
          class="close"
          aria-label="close the inspector"
          onClick={props.onClose}
        >
          ×
        </button>
      </header>
      {probe === null ? (
        <p class="note">{tr('traceNoState')}</p>
      ) : node === undefined || !node.up ? (
        <p class="note">{tr('downNote')}</p>
      ) : (
        <>
          {fields !== undefined && <Fields fields={fields} />}
          <InspectorDrawings
            algorithm={run.spec?.name ?? ''}
            state={node.state}
            id={view.id}
            n={run.nodes}
          />
          <details class="full-state" open={fields === undefined}>
            <summary>{tr('fullState')}</summary>
            <StateTree value={node.state} />
          </details>
        </>
      )}
    </section>
  );
}
