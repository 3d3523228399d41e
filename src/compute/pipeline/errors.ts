// The pipeline's typed errors, one class per condition (STYLE §8): a bad definition, an item
// a stage's function failed on, and a stage's worker process that died. None is retryable
// by the pipeline itself: a failed stage fails the run, and every other stage is stopped.

export class PipelineError extends Error {
  override readonly name = 'PipelineError';
  readonly retryable = false;
}

export class PipelineStageError extends Error {
  override readonly name = 'PipelineStageError';
  readonly retryable = false;
  constructor(
    readonly stage: string,
    readonly reason: string,
  ) {
    super(`stage '${stage}' failed on an item: ${reason}`);
  }
}

export class PipelineWorkerCrashError extends Error {
  override readonly name = 'PipelineWorkerCrashError';
  readonly retryable = false;
  constructor(
    readonly stage: string,
    readonly pid: number | undefined,
    readonly exitCode: number | null,
    readonly signal: NodeJS.Signals | null,
  ) {
    super(
      `stage '${stage}': its worker process ${pid ?? '?'} died (${signal ?? `exit code ${exitCode}`})`,
    );
  }
}
