// MapReduce as a real multi-process run (issue 20): master.ts forks the workers, worker.ts
// runs the tasks, jobs.ts names the jobs, corpus.ts makes inputs and the reference answer.

export { wordCountLocal, writeCorpus } from './corpus.js';
export { type MapReduceJob, partitionOf, wordCount } from './jobs.js';
export {
  MapReduceError,
  type MapReduceHooks,
  type MapReduceOptions,
  type MapReduceResult,
  runMapReduce,
} from './master.js';
