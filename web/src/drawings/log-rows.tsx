/** @jsxImportSource preact */
// Raft's log grid under the stage, as RaftScope draws it beside its ring: one row per server
// (its id and term), its entries as small cells by index — committed ones filled, the rest
// dashed — aligned by index across servers, so a follower lagging or an uncommitted tail
// shows at a glance. Only the last entries that fit are drawn; the earlier are counted.

import type { DrawnNode } from './drawn-nodes.js';

/** At most this many of the newest indexes are drawn (readable at a phone's width too). */
const SHOWN = 24;

export function LogRows(props: { drawn: ReadonlyMap<number, DrawnNode> }) {
  const rows = [...props.drawn.values()].flatMap((d) =>
    d.drawing?.log === undefined
      ? []
      : [{ id: d.id, term: d.drawing.inside?.text, ...d.drawing.log }],
  );
  if (rows.length === 0) return null;
  const last = Math.max(0, ...rows.map((r) => r.cells.at(-1)?.index ?? r.before));
  const first = Math.max(1, last - SHOWN + 1);
  const indexes = Array.from({ length: last - first + 1 }, (_, i) => first + i);
  return (
    <table
      class="log-rows"
      aria-label="each server's log: committed entries filled, uncommitted dashed"
    >
      <thead>
        <tr>
          <th scope="col">server</th>
          {indexes.map((i) => (
            <th key={i} scope="col" class="log-rows-index">
              {i}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => {
          const byIndex = new Map(row.cells.map((c) => [c.index, c]));
          return (
            <tr key={row.id} data-log-row={row.id}>
              <th scope="row">
                {row.id} <span class="log-rows-term">{row.term}</span>
              </th>
              {indexes.map((i) => {
                const c = byIndex.get(i);
                if (c === undefined)
                  return <td key={i} class={i <= row.before ? 'log-slot compacted' : 'log-slot'} />;
                return (
                  <td
                    key={i}
                    class={`log-slot ${c.committed ? 'committed' : 'uncommitted'}`}
                    data-log-index={c.index}
                    data-committed={String(c.committed)}
                    title={`#${c.index}, term ${c.term}: ${c.what}`}
                  >
                    {c.term}
                  </td>
                );
              })}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
