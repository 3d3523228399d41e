/** @jsxImportSource preact */
// The message picked on the stage: its type, link, when it was sent and what became of it
// (delivered, or dropped and why; a duplicate made by the network says so), and its
// contents as the receiver gets them, nested values collapsed.

import type { Flight } from './flights.js';
import { type ChromeKey, useT } from './i18n.js';
import { StateTree } from './state-tree.js';

const REASONS: Readonly<Record<string, ChromeKey>> = {
  loss: 'dropLoss',
  partition: 'dropPartition',
  down: 'dropDown',
  malformed: 'dropMalformed',
};

export function MessagePanel(props: { flight: Flight; onClose: () => void }) {
  const f = props.flight;
  const tr = useT();
  const reason =
    f.dropped !== undefined && Object.hasOwn(REASONS, f.dropped) ? REASONS[f.dropped] : undefined;
  const fate =
    f.dropped === undefined
      ? `${tr('msgDeliveredAt')} ${f.arrivesAt.toFixed(1)} ms`
      : `${tr('msgDropped')}: ${reason === undefined ? f.dropped : tr(reason)}`;
  return (
    <section class="inspector message-panel" aria-label="message" data-message-panel={f.type}>
      <header>
        <h2>
          {f.type} {f.from} → {f.to}
        </h2>
        <span class="at">
          {tr('msgSentAt')} {f.sentAt.toFixed(1)} ms, {fate}
          {f.duplicate ? tr('msgDuplicate') : ''}
        </span>
        <button type="button" class="close" aria-label="close the message" onClick={props.onClose}>
          ×
        </button>
      </header>
      <StateTree value={f.msg} />
    </section>
  );
}
