// Actors as a real multi-process run (issue 20): system.ts is the hub and root supervisor,
// node.ts the worker process hosting and supervising actors, behaviours.ts the behaviours
// by name, journal.ts each actor's journal, bank.ts the example.

export { type BankOptions, type BankResult, runBank } from './bank.js';
export { type ActorContext, account, BadMessageError, type Behaviour } from './behaviours.js';
export type {
  ActorSpec,
  Directive,
  Envelope,
  MailboxPolicy,
  SupervisorPolicy,
} from './protocol.js';
export {
  ActorSystem,
  ActorSystemError,
  type ActorSystemHooks,
  type ActorSystemOptions,
  type DeadLetter,
} from './system.js';
