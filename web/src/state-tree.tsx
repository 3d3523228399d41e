/** @jsxImportSource preact */
// Any node state as a tree the inspector can show: numbers, strings and booleans as they
// are, maps as key → value, sets and arrays as lists, objects (plain or class instances such
// as Raft's log) by their own fields. Compound values start collapsed and build their rows
// only when opened, so a long log or a large map costs nothing until asked for; a list
// shows its first LIST_LIMIT items and says how many more there are. A value that contains
// itself is marked rather than followed.

import { useState } from 'preact/hooks';
import { formatScalar, INLINE_MAX, isCompound, rowsOf, summaryOf } from './state-format.js';

const LIST_LIMIT = 100;

function Value(props: { value: unknown; ancestors: readonly object[]; open?: boolean }) {
  const { value } = props;
  if (!isCompound(value)) return <span class="scalar">{formatScalar(value)}</span>;
  if (props.ancestors.includes(value)) return <span class="scalar">(contains itself)</span>;
  return <Compound value={value} ancestors={props.ancestors} open={props.open ?? false} />;
}

function Compound(props: { value: object; ancestors: readonly object[]; open: boolean }) {
  const [open, setOpen] = useState(props.open);
  const rows = rowsOf(props.value);
  const summary = summaryOf(props.value);
  if (rows.length === 0 || (!rows.some(([, x]) => isCompound(x)) && rows.length <= INLINE_MAX))
    return <span class="scalar">{summary}</span>;
  const ancestors = [...props.ancestors, props.value];
  return (
    <details open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>{summary}</summary>
      {open && (
        <dl class="tree">
          {rows.slice(0, LIST_LIMIT).map(([k, x]) => (
            <div key={k} class="tree-row">
              <dt>{k}</dt>
              <dd>
                <Value value={x} ancestors={ancestors} />
              </dd>
            </div>
          ))}
          {rows.length > LIST_LIMIT && (
            <div class="tree-row more">… {rows.length - LIST_LIMIT} more</div>
          )}
        </dl>
      )}
    </details>
  );
}

/** A state's fields, one row each, nested values collapsed. */
export function StateTree(props: { value: unknown }) {
  const { value } = props;
  if (!isCompound(value)) return <Value value={value} ancestors={[]} />;
  return (
    <dl class="tree top">
      {rowsOf(value).map(([k, x]) => (
        <div key={k} class="tree-row" data-field={k}>
          <dt>{k}</dt>
          <dd>
            <Value value={x} ancestors={[value]} />
          </dd>
        </div>
      ))}
    </dl>
  );
}
