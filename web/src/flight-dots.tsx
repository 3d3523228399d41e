/** @jsxImportSource preact */
// The messages on the stage at time t: each in flight as a dot moving along its link,
// coloured by type (a duplicate made by the network ringed); a dropped one as a hollow dot
// that stops where it died — halfway for one lost as it was sent, at the receiver for one
// refused on arrival — then, for as long again, an ✗ there. Hovering a dot shows its type
// and contents; a click or tap (or Enter) picks it for the message panel.

import { colourOf } from './colours.js';
import type { Flight } from './flights.js';
import type { Point } from './layout.js';

/** A dropped message's ✗ stays this many times its flight's duration after it died. */
const LINGER = 1;

const visible = (f: Flight, t: number) =>
  f.sentAt <= t &&
  t < (f.dropped === undefined ? f.arrivesAt : f.arrivesAt + LINGER * (f.arrivesAt - f.sentAt));

function describe(f: Flight): string {
  const fate = f.dropped === undefined ? '' : `, dropped (${f.dropped})`;
  const copy = f.duplicate ? ', a duplicate' : '';
  return `${f.type} ${f.from}→${f.to}${fate}${copy}: ${JSON.stringify(f.msg).slice(0, 400)}`;
}

function Dot(props: {
  f: Flight;
  index: number;
  t: number;
  a: Point;
  b: Point;
  colour: string;
  picked: boolean;
  onPick: (i: number) => void;
}) {
  const { f, t, a, b } = props;
  const span = Math.max(1e-9, f.arrivesAt - f.sentAt);
  const k = Math.min(1, (t - f.sentAt) / span) * f.reach;
  const x = a.x + (b.x - a.x) * k;
  const y = a.y + (b.y - a.y) * k;
  const died = f.dropped !== undefined && t >= f.arrivesAt;
  const pick = () => props.onPick(props.index);
  return (
    // biome-ignore lint/a11y/useSemanticElements: SVG has no <button>; the group is focusable and answers Enter and Space.
    <g
      class={`flight${f.dropped !== undefined ? ' dropped' : ''}${f.duplicate ? ' duplicate' : ''}${props.picked ? ' picked' : ''}`}
      data-flight={props.index}
      data-from={f.from}
      data-to={f.to}
      data-fate={died ? 'died' : f.dropped !== undefined ? 'dropped' : 'delivered'}
      role="button"
      tabindex={0}
      aria-label={describe(f)}
      onClick={pick}
      onKeyDown={(e) => {
        if (e.key !== 'Enter' && e.key !== ' ') return;
        e.preventDefault();
        pick();
      }}
    >
      <title>{describe(f)}</title>
      <line x1={a.x} y1={a.y} x2={b.x} y2={b.y} class="link" />
      {died ? (
        <text x={x} y={y + 5} text-anchor="middle" class="died" fill={props.colour}>
          ✗
        </text>
      ) : (
        <circle cx={x} cy={y} r={5} class="dot" fill={props.colour} stroke={props.colour} />
      )}
      <circle cx={x} cy={y} r={11} class="hit" />
    </g>
  );
}

export function FlightDots(props: {
  flights: readonly Flight[];
  t: number;
  at: (id: number) => Point;
  types: readonly string[];
  picked: number | null;
  onPick: (index: number) => void;
}) {
  const { t } = props;
  return (
    <g class="flights">
      {props.flights.map((f, i) =>
        visible(f, t) ? (
          <Dot
            key={i}
            f={f}
            index={i}
            t={t}
            a={props.at(f.from)}
            b={props.at(f.to)}
            colour={colourOf(f.type, props.types)}
            picked={props.picked === i}
            onPick={props.onPick}
          />
        ) : null,
      )}
    </g>
  );
}
