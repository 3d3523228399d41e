// consensus/zab's way into this election: it runs an FLE server (createFle, with its own
// `lastZxid` and `epochOnSync`) under its broadcast layer and speaks its messages. The
// process itself is zab-fle.ts (the folder's one shape); this module only names what zab
// imports, so that zab keeps working until it moves onto the kernel and imports zab-fle.ts.

export type { FleMessage, ServerState, Vote } from './messages.js';
export { parseFleMessage } from './messages.js';
export type { FleConfig } from './options.js';
export type { FleState } from './state.js';
export { better } from './votes.js';
export { createFle, type FleProcess } from './zab-fle.js';
