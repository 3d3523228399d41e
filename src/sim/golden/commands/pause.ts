// `pause N`: node N holds its inputs from now until a `resume N`.

import { nodeFault } from './inject.js';

// No end time: the script resumes the node explicitly.
export const pause = nodeFault((atMs, node) => ({ kind: 'pause', node, atMs, untilMs: undefined }));
