/** @jsxImportSource preact */
// The stage: nodes on a circle, the messages in flight at time t moving along their links
// (coloured by type), each node's status and latest output as a badge. Clicking a node asks
// the app to crash it (or restart it) at t; shift-clicking two nodes cuts the link between them.

import type { LabRun } from './run.js';
import { nodesAt } from './run.js';

const SIZE = 420;
const R = 160;
const PALETTE = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#17becf',
  '#bcbd22',
  '#7f7f7f',
];

export function colourOf(type: string, types: readonly string[]): string {
  return PALETTE[Math.max(0, types.indexOf(type)) % PALETTE.length] as string;
}

function position(id: number, n: number): { x: number; y: number } {
  const angle = (2 * Math.PI * (id - 1)) / n - Math.PI / 2;
  return { x: SIZE / 2 + R * Math.cos(angle), y: SIZE / 2 + R * Math.sin(angle) };
}

export function Stage(props: {
  run: LabRun;
  t: number;
  types: readonly string[];
  onNode: (id: number, crashed: boolean, shift: boolean) => void;
  /** A node picked as the first end of a link to cut (shift-click), if any. */
  picked: number | null;
}) {
  const { run, t, types } = props;
  const nodes = nodesAt(run, t);
  const n = run.nodes;
  const flying = run.flights.filter((f) => f.sentAt <= t && t < f.arrivesAt);
  return (
    <svg
      class="stage"
      viewBox={`0 0 ${SIZE} ${SIZE}`}
      role="img"
      aria-label="cluster at the chosen time"
    >
      <title>Nodes and messages in flight at {t.toFixed(1)} ms</title>
      {flying.map((f) => {
        const a = position(f.from, n);
        const b = position(f.to, n);
        const k = (t - f.sentAt) / Math.max(1e-9, f.arrivesAt - f.sentAt);
        return (
          <g key={`${f.from}-${f.to}-${f.sentAt}-${f.type}`}>
            <line x1={a.x} y1={a.y} x2={b.x} y2={b.y} class="link" />
            <circle
              cx={a.x + (b.x - a.x) * k}
              cy={a.y + (b.y - a.y) * k}
              r={5}
              fill={colourOf(f.type, types)}
            >
              <title>{f.type}</title>
            </circle>
          </g>
        );
      })}
      {nodes.map((v) => {
        const p = position(v.id, n);
        return (
          // biome-ignore lint/a11y/useSemanticElements: SVG has no <button>; the group is focusable and answers Enter and Space.
          <g
            key={v.id}
            class={`node ${v.status}${props.picked === v.id ? ' picked' : ''}`}
            data-node={v.id}
            data-badge={v.badge}
            data-status={v.status}
            role="button"
            tabIndex={0}
            aria-label={`node ${v.id}, ${v.status}${v.badge ? `, ${v.badge}` : ''}: click to ${v.status === 'crashed' ? 'restart' : 'crash'}`}
            onClick={(e) => props.onNode(v.id, v.status === 'crashed', e.shiftKey)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' || e.key === ' ')
                props.onNode(v.id, v.status === 'crashed', e.shiftKey);
            }}
          >
            <circle cx={p.x} cy={p.y} r={22} />
            <text x={p.x} y={p.y + 5} text-anchor="middle" class="id">
              {v.id}
            </text>
            <text x={p.x} y={p.y + 38} text-anchor="middle" class="badge">
              {v.status === 'up' ? v.badge : v.status}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
