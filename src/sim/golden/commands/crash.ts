// `crash N`: node N crashes now (volatile state and timers lost, storage kept).

import { nodeFault } from './inject.js';

export const crash = nodeFault((atMs, node) => ({ kind: 'crash', node, atMs }));
