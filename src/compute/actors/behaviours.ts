// Actor behaviours by name (issue 20): an actor is state + behaviour + mailbox, and talks
// only by messages. A behaviour is a pure step — (state, message, context) → new state —
// whose sends go through the context, so a step can be journaled with its effects and
// replayed. Behaviours are named, not passed: functions cannot cross a process boundary,
// so the system names an actor's behaviour and the node hosting it looks it up here.
//
// "Let it crash": a behaviour does not defend against a message it cannot handle; it
// throws, and its supervisor decides (node.ts). Bodies come from other actors and from
// outside the system, so they are checked before use — a bad one is a throw, never a
// corrupted state.

import { isRecord, isString } from '../../core/validate.js';

export interface ActorContext {
  readonly self: string;
  /** Sends `body` to the actor named `to` (on any node: references are location-free). */
  tell(to: string, body: unknown): void;
  /** Answers the sender of the message being processed (an `ask`). */
  reply(body: unknown): void;
}

export interface Behaviour<S> {
  initial(args: unknown): S;
  receive(state: S, body: unknown, ctx: ActorContext): S;
}

export class BadMessageError extends Error {
  override readonly name = 'BadMessageError';
}

const isAmount = (x: unknown): x is number =>
  typeof x === 'number' && Number.isSafeInteger(x) && x > 0;

/**
 * A bank account: `withdraw` debits it and tells the payee to `deposit` (a transfer is two
 * messages; the money is "in flight" between them), or refuses when the balance is short;
 * `balance` answers an ask; `crash` throws, to exercise supervision.
 */
export const account: Behaviour<{ balance: number; refused: number }> = {
  initial(args) {
    if (!isRecord(args) || !Number.isSafeInteger(args.balance))
      throw new BadMessageError('an account needs an integer balance');
    return { balance: args.balance as number, refused: 0 };
  },
  receive(state, body, ctx) {
    if (!isRecord(body)) throw new BadMessageError('not a message');
    switch (body.type) {
      case 'withdraw': {
        if (!isAmount(body.amount) || !isString(body.to)) throw new BadMessageError('withdraw');
        if (state.balance < body.amount) return { ...state, refused: state.refused + 1 };
        ctx.tell(body.to, { type: 'deposit', amount: body.amount });
        return { ...state, balance: state.balance - body.amount };
      }
      case 'deposit':
        if (!isAmount(body.amount)) throw new BadMessageError('deposit');
        return { ...state, balance: state.balance + body.amount };
      case 'balance':
        ctx.reply({ balance: state.balance, refused: state.refused });
        return state;
      case 'crash':
        throw new Error(`${ctx.self} was told to crash`);
      default:
        throw new BadMessageError(`unknown message ${String(body.type)}`);
    }
  },
};

const BEHAVIOURS: Readonly<Record<string, Behaviour<unknown>>> = {
  account: account as Behaviour<unknown>,
};

export function findBehaviour(name: string): Behaviour<unknown> | undefined {
  return Object.hasOwn(BEHAVIOURS, name) ? BEHAVIOURS[name] : undefined;
}
