/** @jsxImportSource preact */
// The stage: the nodes laid out as the algorithm wires them (one circle; a ring drawn with
// its successor edges; two-layer rings as small rings round a big one), the messages in
// flight at time t moving along their links (flight-dots.tsx: coloured by type, dropped
// ones dying on their link, contents on hover, a click picks one for the message panel),
// each node's status and latest output as a badge. Clicking a node asks the app to
// inspect it at t.
// Every link (for small clusters; only the ring edges beyond that) is drawn faintly and
// clicking it — or Enter/Space on it — cuts it at t, or heals it when the plan has it cut
// then; cut links are red and dashed. Shift-clicking two nodes toggles their link too.
// Over the nodes, drawings/stage-drawings.tsx draws what their states hold (timers as rings,
// Raft's term, clocks, tokens…); a client node is a square.

import { type DrawnNode, describeDrawn } from './drawings/drawn-nodes.js';
import { StageDrawings } from './drawings/stage-drawings.js';
import { FlightDots } from './flight-dots.js';
import { badgeIn } from './i18n/badges.js';
import { type Lang, useLang } from './i18n.js';
import {
  type BadgePlace,
  badgePlace,
  onOneCircle,
  type Point,
  SIZE,
  type StageLayout,
  stageLayout,
} from './layout.js';
import { linkKey } from './links.js';
import type { LabRun, NodeView } from './run.js';
import { nodesAt } from './run.js';

/** The text under a node: its badge while it is up, else its status (crashed, paused). */
const shownOf = (v: NodeView, lang: Lang) => badgeIn(v.status === 'up' ? v.badge : v.status, lang);

/** Beyond this many nodes every-pair links would be a hairball: only ring edges are drawn. */
const ALL_LINKS_MAX_NODES = 12;
function linksToDraw(n: number, layout: StageLayout): [number, number][] {
  const seen = new Set<string>();
  const links: [number, number][] = [];
  const add = (a: number, b: number) => {
    const key = linkKey(a, b);
    if (a === b || seen.has(key)) return;
    seen.add(key);
    links.push([Math.min(a, b), Math.max(a, b)]);
  };
  for (const [a, b] of layout.ringEdges) add(a, b);
  if (n <= ALL_LINKS_MAX_NODES)
    for (let a = 1; a <= n; a++) for (let b = a + 1; b <= n; b++) add(a, b);
  return links;
}

function Links(props: {
  n: number;
  layout: StageLayout;
  cut: ReadonlySet<string>;
  onLink: (a: number, b: number) => void;
}) {
  const at = (id: number) => props.layout.positions[id - 1] ?? { x: 0, y: 0 };
  return (
    <g class="links">
      {props.layout.ringEdges.map(([a, b]) => (
        <line
          key={`ring-${a}-${b}`}
          class={`ring-edge${props.cut.has(linkKey(a, b)) ? ' cut' : ''}`}
          data-ring-edge={`${a}->${b}`}
          x1={at(a).x}
          y1={at(a).y}
          x2={at(b).x}
          y2={at(b).y}
        />
      ))}
      {linksToDraw(props.n, props.layout).map(([a, b]) => {
        const key = linkKey(a, b);
        const cut = props.cut.has(key);
        const line = { x1: at(a).x, y1: at(a).y, x2: at(b).x, y2: at(b).y };
        return (
          // biome-ignore lint/a11y/useSemanticElements: SVG has no <button>; the group is focusable and answers Enter and Space.
          <g
            key={key}
            class={`link-toggle${cut ? ' cut' : ''}`}
            data-link={key}
            data-cut={String(cut)}
            role="button"
            tabindex={0}
            aria-label={`link ${a}–${b}, ${cut ? 'cut: click to heal' : 'open: click to cut'}`}
            onClick={() => props.onLink(a, b)}
            onKeyDown={(e) => {
              if (e.key !== 'Enter' && e.key !== ' ') return;
              e.preventDefault();
              props.onLink(a, b);
            }}
          >
            <line {...line} class="hit" />
            <line {...line} class="wire" />
          </g>
        );
      })}
    </g>
  );
}

/** One node: its shape (a client is a square), its id, and its badge or status beside it. */
function StageNode(props: {
  v: NodeView;
  p: Point;
  r: number;
  d: DrawnNode | undefined;
  badge: BadgePlace;
  picked: boolean;
  selected: boolean;
  onNode: (id: number, shift: boolean) => void;
}) {
  const { v, p, r, d, badge: b } = props;
  const described = d === undefined ? '' : describeDrawn(d);
  const shown = shownOf(v, useLang());
  return (
    // biome-ignore lint/a11y/useSemanticElements: SVG has no <button>; the group is focusable and answers Enter and Space.
    <g
      class={`node ${v.status}${props.picked ? ' picked' : ''}${props.selected ? ' selected' : ''}`}
      data-node={v.id}
      data-badge={v.badge}
      data-status={v.status}
      role="button"
      tabindex={0}
      // The name starts with what the node shows (its id, then its badge or status),
      // so a voice user can say what they see.
      aria-label={`node ${v.id}${shown ? ` ${shown}` : ''}${v.status === 'up' ? ', up' : ''}${described ? `, ${described}` : ''}: click to inspect`}
      aria-pressed={props.selected}
      onClick={(e) => props.onNode(v.id, e.shiftKey)}
      onKeyDown={(e) => {
        if (e.key !== 'Enter' && e.key !== ' ') return;
        e.preventDefault();
        props.onNode(v.id, e.shiftKey);
      }}
    >
      {d?.drawing?.client === true ? (
        <rect x={p.x - r} y={p.y - r} width={2 * r} height={2 * r} rx={3} class="client" />
      ) : (
        <circle cx={p.x} cy={p.y} r={r} />
      )}
      <text
        x={p.x}
        y={p.y + 5}
        text-anchor="middle"
        class="id"
        // Small nodes (a crowded circle) get smaller ids, so neighbours' do not touch.
        font-size={r < 14 ? (1.25 * r).toFixed(1) : undefined}
      >
        {v.id}
      </text>
      {/* The leading space keeps "3" and "leader" two words for assistive reading. */}
      <text
        x={b.x}
        y={b.y}
        text-anchor={b.anchor}
        dominant-baseline={b.fontSize === undefined ? undefined : 'central'}
        font-size={b.fontSize}
        transform={
          b.rotate === 0
            ? undefined
            : `rotate(${b.rotate.toFixed(1)} ${b.x.toFixed(1)} ${b.y.toFixed(1)})`
        }
        class="badge"
      >
        {` ${shown}`}
      </text>
    </g>
  );
}

export function Stage(props: {
  run: LabRun;
  t: number;
  types: readonly string[];
  onNode: (id: number, shift: boolean) => void;
  /** A node picked as the first end of a link to toggle (shift-click), if any. */
  picked: number | null;
  /** The node the inspector shows, if any. */
  selected: number | null;
  /** The message (an index into run.flights) the message panel shows, if any. */
  pickedFlight: number | null;
  onFlight: (index: number) => void;
  /** The links (`a-b`) the fault plan has cut at t. */
  cut: ReadonlySet<string>;
  onLink: (a: number, b: number) => void;
  /** What each node's state draws at t (drawings/drawn-nodes.ts), when it can be replayed. */
  drawn?: ReadonlyMap<number, DrawnNode> | undefined;
}) {
  const { run, t, types } = props;
  const drawn = props.drawn ?? new Map<number, DrawnNode>();
  const layout = stageLayout(run.spec, run.nodes, run.result?.options ?? {});
  const at = (id: number) => layout.positions[id - 1] ?? { x: 0, y: 0 };
  const nodes = nodesAt(run, t);
  const r = layout.nodeRadius;
  // A crowded circle's badges go along the radius (layout.ts badgePlace), so none overlap.
  const radial = onOneCircle(run.spec?.topology?.(run.nodes, run.result?.options ?? {}));
  const badges = (id: number) => badgePlace(layout, id, radial);
  return (
    // A group, not an image: its nodes, links and messages are controls of their own.
    // biome-ignore lint/a11y/useSemanticElements: SVG cannot hold a <fieldset>.
    <svg
      class="stage"
      viewBox={`0 0 ${SIZE} ${SIZE}`}
      role="group"
      aria-label="cluster at the chosen time"
    >
      <title>Nodes and messages in flight at {t.toFixed(1)} ms</title>
      <Links n={run.nodes} layout={layout} cut={props.cut} onLink={props.onLink} />
      <FlightDots
        flights={run.flights}
        t={t}
        at={at}
        types={types}
        picked={props.pickedFlight}
        onPick={props.onFlight}
      />
      {nodes.map((v) => (
        <StageNode
          key={v.id}
          v={v}
          p={at(v.id)}
          r={r}
          d={drawn.get(v.id)}
          badge={badges(v.id)}
          picked={props.picked === v.id}
          selected={props.selected === v.id}
          onNode={props.onNode}
        />
      ))}
      <StageDrawings drawn={drawn} at={at} r={r} selected={props.selected} />
    </svg>
  );
}
