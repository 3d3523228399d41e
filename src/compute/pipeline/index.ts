// Pipelines (issue 20): stages in a line joined by bounded queues with backpressure, each
// stage with a concurrency, inline or in a worker process of its own; a run reports where
// the time went and names the bottleneck. pipeline.ts runs one, stages.ts names the stage
// functions, queue.ts is the bounded queue, worker.ts hosts a stage in its own process.

export {
  PipelineError,
  PipelineStageError,
  PipelineWorkerCrashError,
} from './errors.js';
export {
  type PipelineHooks,
  type PipelineOptions,
  type PipelineResult,
  runPipeline,
  type StageSpec,
} from './pipeline.js';
export { BoundedQueue, type QueueReport } from './queue.js';
export { fileLines } from './source.js';
export type { StageReport } from './stage-runner.js';
export { findStageFunction, STAGE_FUNCTIONS, type StageFunction } from './stages.js';
