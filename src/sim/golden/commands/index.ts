// The golden commands by name.

import type { CommandHandler } from '../context.js';
import { addNodes } from './add-nodes.js';
import { crash } from './crash.js';
import { deliver } from './deliver.js';
import { heal } from './heal.js';
import { partition } from './partition.js';
import { pause } from './pause.js';
import { restart } from './restart.js';
import { resume } from './resume.js';
import { stabilize } from './stabilize.js';
import { state } from './state.js';
import { tick } from './tick.js';

export const commands: Readonly<Record<string, CommandHandler>> = {
  'add-nodes': addNodes,
  tick,
  deliver,
  stabilize,
  crash,
  restart,
  partition,
  heal,
  pause,
  resume,
  state,
};
