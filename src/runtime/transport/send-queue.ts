// A bounded queue of encoded frames waiting for one peer. Policy: DROP OLDEST. When a peer is
// slow or dead, its queue stops at `maxFrames` frames / `maxBytes` bytes and each new frame
// pushes out the oldest. Every algorithm here already tolerates message loss (retries,
// heartbeats, Raft's re-sent appends), and the newest messages carry the freshest state, so
// dropping the oldest bounds memory without blocking the node's steps on one bad peer.

export interface SendQueueLimits {
  readonly maxFrames: number;
  readonly maxBytes: number;
}

export const DEFAULT_QUEUE_LIMITS: SendQueueLimits = { maxFrames: 10_000, maxBytes: 64 << 20 };

export class SendQueue {
  private frames: Buffer[] = [];
  private head = 0;
  private bytesHeld = 0;
  /** Frames pushed out by the bound since the queue was made. */
  dropped = 0;

  constructor(private readonly limits: SendQueueLimits = DEFAULT_QUEUE_LIMITS) {}

  get length(): number {
    return this.frames.length - this.head;
  }

  get bytes(): number {
    return this.bytesHeld;
  }

  /** Appends a frame; returns how many old frames the bound pushed out. */
  push(frame: Buffer): number {
    this.frames.push(frame);
    this.bytesHeld += frame.length;
    let dropped = 0;
    while (
      this.length > 1 &&
      (this.length > this.limits.maxFrames || this.bytesHeld > this.limits.maxBytes)
    ) {
      this.shift();
      dropped++;
    }
    this.dropped += dropped;
    return dropped;
  }

  peek(): Buffer | undefined {
    return this.frames[this.head];
  }

  shift(): Buffer | undefined {
    const frame = this.frames[this.head];
    if (frame === undefined) return undefined;
    this.frames[this.head] = Buffer.alloc(0);
    this.head++;
    this.bytesHeld -= frame.length;
    // Compact now and then so a long-lived queue does not keep a huge array.
    if (this.head > 1024 && this.head * 2 > this.frames.length) {
      this.frames = this.frames.slice(this.head);
      this.head = 0;
    }
    return frame;
  }
}
