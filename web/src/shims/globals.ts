// Node's `Buffer` as a global, before any algorithm module loads (the chains read block
// bytes with it). Imported first by main.tsx.

import { Buffer } from 'buffer';

(globalThis as { Buffer?: unknown }).Buffer ??= Buffer;
