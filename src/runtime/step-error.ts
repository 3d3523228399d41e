// The error that stops a node when a step on a peer's message throws. The message passed
// its algorithm's parser, so the throw is our bug (ARCHITECTURE.md rule 7), and the node
// stops as it does on an assertion; the fatal log line must say which input caused it, so
// this error carries the sender, the type and the message itself (truncated).
//
// Fault model: the message is peer data of any size. The preview is cut to a bounded length
// and byte strings are summarised, so logging it costs little and never throws.

import type { NodeId } from '../core/process.js';
import { describeType } from '../core/validate.js';

const PREVIEW_CHARS = 400;

/** JSON of `value` cut to `maxChars` (with `…`); byte strings as `<N bytes>`; never throws. */
export function previewOf(value: unknown, maxChars = PREVIEW_CHARS): string {
  let text: string;
  try {
    text =
      JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
        const original = this[key]; // Before toJSON: a Buffer is still a Buffer here.
        if (ArrayBuffer.isView(original)) return `<${original.byteLength} bytes>`;
        return typeof v === 'bigint' ? `${v}n` : v;
      }) ?? String(value);
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length <= maxChars ? text : `${text.slice(0, maxChars)}…`;
}

export class StepError extends Error {
  override readonly name = 'StepError';
  readonly type: string;
  /** The message, as a truncated JSON preview. */
  readonly input: string;

  constructor(
    cause: unknown,
    readonly from: NodeId,
    message: unknown,
  ) {
    const type = describeType(message);
    const input = previewOf(message);
    const what = cause instanceof Error ? cause.message : String(cause);
    super(`${what} (in the step of ${type} from node ${from}: ${input})`, { cause });
    this.type = type;
    this.input = input;
  }
}
