// `resume N`: node N resumes now and handles what it held while paused.

import { nodeFault } from './inject.js';

export const resume = nodeFault((atMs, node) => ({ kind: 'resume', node, atMs }));
