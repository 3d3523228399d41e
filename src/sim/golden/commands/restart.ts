// `restart N`: a fresh process starts on node N now (no-op if it is up).

import { nodeFault } from './inject.js';

export const restart = nodeFault((atMs, node) => ({ kind: 'restart', node, atMs }));
