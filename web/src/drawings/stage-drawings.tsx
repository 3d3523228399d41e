/** @jsxImportSource preact */
// The per-algorithm drawings on the stage, over the nodes (stage.tsx draws the nodes): each
// node's pending timer as a ring round it that empties as the timer runs down, a value
// inside it (Raft's term, a Lamport clock, a learned value), a caption beside it (a vector
// clock, an acceptor's ballots, the coordinator's grant and queue), marks for the token, the
// coordinator and the holder of the critical section, and — for an inspected Maekawa node —
// its quorum outlined. It is a picture of what each node's accessible name already says
// (describeDrawn), so it is hidden from assistive technology, and it lets clicks through.

import type { NodeMark } from '../inspect/types.js';
import { type DrawnNode, ringFraction } from './drawn-nodes.js';

type At = (id: number) => { x: number; y: number };

/** Below this node radius there is no room inside for more than the id. */
const INSIDE_MIN_RADIUS = 15;

const MARK_TEXT: Record<NodeMark, string> = { token: 'T', coordinator: 'C', holder: 'CS' };

function Ring(props: { d: DrawnNode; x: number; y: number; r: number }) {
  const { ring } = props.d;
  if (ring === undefined) return null;
  const f = ringFraction(ring);
  const rr = props.r + 4;
  return (
    <g
      class={`timer-ring timer-${ring.name.replace(/[^a-z-]/g, '')}`}
      data-ring-node={props.d.id}
      data-ring-timer={ring.name}
      data-ring-left={ring.leftMs.toFixed(1)}
      data-ring-fraction={f.toFixed(3)}
    >
      <circle class="ring-track" cx={props.x} cy={props.y} r={rr} />
      <circle
        class="ring-left"
        cx={props.x}
        cy={props.y}
        r={rr}
        pathLength={100}
        stroke-dasharray={`${(f * 100).toFixed(2)} 100`}
        transform={`rotate(-90 ${props.x} ${props.y})`}
      />
    </g>
  );
}

function Marks(props: { d: DrawnNode; x: number; y: number; r: number }) {
  const marks = props.d.drawing?.marks ?? [];
  return (
    <>
      {marks.map((mark, i) => {
        // Round the node's top, right to left: token, then coordinator, then holder.
        const angle = -Math.PI / 4 - (i * Math.PI) / 4;
        const cx = props.x + (props.r + 7) * Math.cos(angle);
        const cy = props.y + (props.r + 7) * Math.sin(angle);
        return (
          <g key={mark} class={`mark mark-${mark}`} data-mark={mark} data-mark-node={props.d.id}>
            <circle cx={cx} cy={cy} r={mark === 'holder' ? 8 : 7} />
            <text x={cx} y={cy + 3.5} text-anchor="middle">
              {MARK_TEXT[mark]}
            </text>
          </g>
        );
      })}
    </>
  );
}

export function StageDrawings(props: {
  drawn: ReadonlyMap<number, DrawnNode>;
  at: At;
  r: number;
  /** The inspected node: a Maekawa node's quorum is outlined while it is. */
  selected: number | null;
}) {
  const { drawn, at, r } = props;
  const quorum = props.selected === null ? undefined : drawn.get(props.selected)?.drawing?.quorum;
  return (
    // biome-ignore lint/a11y/noAriaHiddenOnFocusable: nothing in it is focusable or clickable; each node's name says what it draws.
    <g class="drawings" aria-hidden="true">
      {quorum?.map((id) => (
        <rect
          key={`q${id}`}
          class="quorum-member"
          data-quorum-member={id}
          x={at(id).x - r - 7}
          y={at(id).y - r - 7}
          width={2 * r + 14}
          height={2 * r + 14}
          rx={6}
        />
      ))}
      {[...drawn.values()].map((d) => {
        const { x, y } = at(d.id);
        const inside = d.drawing?.inside;
        const caption = d.drawing?.caption;
        return (
          <g key={d.id} data-drawn={d.id}>
            <Ring d={d} x={x} y={y} r={r} />
            {inside !== undefined && r >= INSIDE_MIN_RADIUS && (
              <text class="drawn-inside" data-drawn-inside={inside.text} x={x} y={y + r - 5}>
                {inside.text}
              </text>
            )}
            {caption !== undefined && (
              <text class="drawn-caption" data-drawn-caption={caption.text} x={x} y={y + r + 28}>
                {caption.text}
              </text>
            )}
            <Marks d={d} x={x} y={y} r={r} />
          </g>
        );
      })}
    </g>
  );
}
