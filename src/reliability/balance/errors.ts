// The load balancers' typed errors and the checks of their configuration. Peer lists and
// weights may come from a user (the CLI) or from a service registry: they are validated
// here and refused with a BalanceError naming what is wrong, never with an assert.

export type BalanceErrorCode =
  | 'invalid-peer'
  | 'invalid-weight'
  | 'duplicate-peer'
  | 'unknown-peer'
  | 'invalid-option';

export class BalanceError extends Error {
  override readonly name = 'BalanceError';
  constructor(
    readonly code: BalanceErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Weights are integers, as in nginx; the bound keeps every weight product exact. */
export const MAX_WEIGHT = 10_000;
/** Peer ids are short printable names (a host:port, an instance id). */
export const MAX_PEER_ID_LENGTH = 256;
export const MAX_PEERS = 10_000;
/** A day: slow start and fail timeouts longer than this are configuration mistakes. */
export const MAX_DURATION_MS = 86_400_000;

export function validatePeerId(id: unknown): string {
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_PEER_ID_LENGTH)
    throw new BalanceError('invalid-peer', `a peer id is 1..${MAX_PEER_ID_LENGTH} characters`);
  if (!/^[\x21-\x7e]+$/.test(id))
    throw new BalanceError(
      'invalid-peer',
      `peer id ${JSON.stringify(id)} has a space or control character`,
    );
  return id;
}

export function validateWeight(id: string, weight: unknown): number {
  if (typeof weight !== 'number' || !Number.isInteger(weight) || weight < 1 || weight > MAX_WEIGHT)
    throw new BalanceError(
      'invalid-weight',
      `weight of ${id} must be an integer in 1..${MAX_WEIGHT}, got ${String(weight)}`,
    );
  return weight;
}

/** A non-negative integer option (durations, counts) bounded by `max`. */
export function validateOption(name: string, value: unknown, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max)
    throw new BalanceError(
      'invalid-option',
      `${name} must be an integer in 0..${max}, got ${String(value)}`,
    );
  return value;
}
