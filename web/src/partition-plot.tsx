/** @jsxImportSource preact */
// One scheme of the partitioning view: a bar plot of keys per node before the change (every
// scheme on the same vertical scale, so their balance compares at a glance, the mean as a
// dashed line), its max/mean and stddev/mean, and the fraction of keys the change moved
// beside the scheme's expected fraction and the least any scheme could move — the figures
// `cohort partition compare` prints, formatted as it formats them.

import type { ChromeKey } from './i18n.js';
import { percent, type SchemeRow } from './partition-compare.js';

type Tr = (key: ChromeKey) => string;

const W = 280;
const H = 130;
const LEFT = 40;
const BOTTOM = 16;
const TOP = 6;

/** The scheme's name in the page's language, with the ring's vnodes. */
export function schemeName(row: SchemeRow, tr: Tr): string {
  switch (row.scheme) {
    case 'modn':
      return tr('schemeModn');
    case 'ring':
      return `${tr('schemeRing')}, ${row.vnodes} ${tr('schemeVnodes')}`;
    case 'ketama':
      return tr('schemeKetama');
    case 'jump':
      return tr('schemeJump');
    case 'rendezvous':
      return tr('schemeRendezvous');
    case 'slots':
      return tr('schemeSlots');
  }
}

function LoadBars(props: { row: SchemeRow; yMax: number; tr: Tr }) {
  const { row, yMax, tr } = props;
  const stats = row.report.before;
  const n = stats.perNode.length;
  const plotW = W - LEFT - 4;
  const plotH = H - TOP - BOTTOM;
  const slot = plotW / n;
  const y = (keys: number) => TOP + plotH - (keys / yMax) * plotH;
  const labelEvery = Math.ceil(n / 12);
  return (
    <svg
      class="p-bars"
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-label={`${tr('pKeysPerNode')}: ${stats.perNode.map((l) => `${l.node} ${l.keys}`).join(', ')}`}
    >
      <line class="p-axis" x1={LEFT} y1={TOP + plotH} x2={W - 4} y2={TOP + plotH} />
      <text class="p-tick" x={LEFT - 4} y={y(yMax) + 8} text-anchor="end">
        {yMax}
      </text>
      <text class="p-tick" x={LEFT - 4} y={TOP + plotH} text-anchor="end">
        0
      </text>
      {stats.perNode.map((l, i) => (
        <g key={l.node}>
          <rect
            class="p-bar"
            data-node={l.node}
            data-keys={l.keys}
            x={LEFT + i * slot + slot * 0.1}
            y={y(l.keys)}
            width={slot * 0.8}
            height={TOP + plotH - y(l.keys)}
          >
            <title>{`${l.node}: ${l.keys} (${percent(l.share)})`}</title>
          </rect>
          {i % labelEvery === 0 && (
            <text class="p-tick" x={LEFT + (i + 0.5) * slot} y={H - 3} text-anchor="middle">
              {l.node}
            </text>
          )}
        </g>
      ))}
      <line class="p-mean" x1={LEFT} y1={y(stats.mean)} x2={W - 4} y2={y(stats.mean)} />
      <text class="p-tick" x={LEFT - 4} y={y(stats.mean) + 3} text-anchor="end">
        {tr('pMean')}
      </text>
    </svg>
  );
}

function Fraction(props: { kind: string; label: string; value: number; note?: string }) {
  return (
    <div class={`p-fraction p-${props.kind}`} data-fraction={props.kind} data-value={props.value}>
      <span class="p-fraction-label">{props.label}</span>
      <span class="p-track">
        <span class="p-fill" style={{ width: `${Math.min(1, props.value) * 100}%` }} />
      </span>
      <span class="p-fraction-value">
        {percent(props.value, 2)}
        {props.note !== undefined && <small> ({props.note})</small>}
      </span>
    </div>
  );
}

export function SchemeCard(props: { row: SchemeRow; yMax: number; tr: Tr; changeText: string }) {
  const { row, tr } = props;
  const { before, movement: m } = row.report;
  return (
    <article class="p-scheme" data-scheme={row.label}>
      <h3>{schemeName(row, tr)}</h3>
      <LoadBars row={row} yMax={props.yMax} tr={tr} />
      <p class="p-balance">
        {tr('pMaxMean')} <strong data-max-over-mean>{before.maxOverMean.toFixed(3)}</strong>,{' '}
        {tr('pStddevMean')} <strong data-stddev-over-mean>{percent(before.stddevOverMean)}</strong>
      </p>
      {m !== undefined && (
        <div class="p-movement">
          <p class="p-moved-by">
            {tr('pMovedBy')} {props.changeText}
            {m.slotsMoved !== undefined && ` (${m.slotsMoved} ${tr('pSlotsMoved')})`}
          </p>
          <Fraction kind="moved" label={tr('pMoved')} value={m.movedFraction} />
          <Fraction
            kind="expected"
            label={tr('pExpected')}
            value={m.expectedFraction}
            note={m.expectedFormula}
          />
          <Fraction kind="least" label={tr('pLeast')} value={m.minimalFraction} />
        </div>
      )}
    </article>
  );
}
