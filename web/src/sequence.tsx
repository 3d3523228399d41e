/** @jsxImportSource preact */
// A sequence diagram of the latest deliveries before time t: one lane per node, one arrow
// per message from its sender's lane (at the send) down to its receiver's (at the delivery),
// coloured and labelled by type.

import { colourOf } from './colours.js';
import type { Flight } from './run.js';

const WIDTH = 300;
const ROW = 22;

export function Sequence(props: {
  flights: readonly Flight[];
  nodes: number;
  t: number;
  types: readonly string[];
}) {
  const recent = props.flights
    .filter((f) => f.dropped === undefined && f.arrivesAt <= props.t)
    .slice(-12);
  const lane = (id: number) => 16 + ((WIDTH - 32) * (id - 1)) / Math.max(1, props.nodes - 1);
  const height = 24 + recent.length * ROW;
  return (
    <svg
      class="sequence"
      viewBox={`0 0 ${WIDTH} ${height}`}
      role="img"
      aria-label="latest deliveries"
    >
      <title>Latest deliveries before {props.t.toFixed(0)} ms</title>
      {Array.from({ length: props.nodes }, (_, i) => (
        <g key={i}>
          <text x={lane(i + 1)} y={12} text-anchor="middle" class="lane-id">
            {i + 1}
          </text>
          <line x1={lane(i + 1)} y1={16} x2={lane(i + 1)} y2={height} class="lane" />
        </g>
      ))}
      {recent.map((f, i) => {
        const y = 24 + i * ROW;
        const colour = colourOf(f.type, props.types);
        const [x1, x2] = [lane(f.from), lane(f.to)];
        return (
          <g key={`${f.from}-${f.to}-${f.sentAt}-${i}`}>
            <line x1={x1} y1={y} x2={x2} y2={y + ROW - 8} stroke={colour} stroke-width={1.5} />
            <circle cx={x2} cy={y + ROW - 8} r={2.5} fill={colour} />
            <text
              x={(x1 + x2) / 2}
              y={y + 6}
              text-anchor="middle"
              class="arrow-label"
              fill={colour}
            >
              {f.type}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
