/** @jsxImportSource preact */
// The message picked on the stage: its type, link, when it was sent and what became of it
// (delivered, or dropped and why; a duplicate made by the network says so), and its
// contents as the receiver gets them, nested values collapsed.

import type { Flight } from './flights.js';
import { StateTree } from './state-tree.js';

const REASONS: Record<string, string> = {
  loss: 'lost on the link',
  partition: 'the link was cut',
  down: 'the receiver was down',
  malformed: "the receiver's parser refused it",
};

export function MessagePanel(props: { flight: Flight; onClose: () => void }) {
  const f = props.flight;
  const fate =
    f.dropped === undefined
      ? `delivered at ${f.arrivesAt.toFixed(1)} ms`
      : `dropped: ${REASONS[f.dropped] ?? f.dropped}`;
  return (
    <section class="inspector message-panel" aria-label="message" data-message-panel={f.type}>
      <header>
        <h2>
          {f.type} {f.from} → {f.to}
        </h2>
        <span class="at">
          sent at {f.sentAt.toFixed(1)} ms, {fate}
          {f.duplicate ? ' (a second copy made by the network)' : ''}
        </span>
        <button type="button" class="close" aria-label="close the message" onClick={props.onClose}>
          ×
        </button>
      </header>
      <StateTree value={f.msg} />
    </section>
  );
}
