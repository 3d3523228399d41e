// Small readers shared by the inspector's family modules: they look at a node's state as the
// kernel keeps it (plain objects, maps, sets, arrays) without trusting its shape, so a
// changed state degrades to "not recognised" (undefined) instead of throwing.

export type Obj = Record<string, unknown>;

export const isObject = (s: unknown): s is Obj => typeof s === 'object' && s !== null;

/** The state is an object with every one of these keys. */
export const hasKeys = (s: unknown, ...keys: readonly string[]): s is Obj =>
  isObject(s) && keys.every((k) => k in s);

/** How many entries a map, set, array or plain object holds (0 for anything else). */
export function count(x: unknown): number {
  if (x instanceof Map || x instanceof Set) return x.size;
  if (Array.isArray(x)) return x.length;
  return isObject(x) ? Object.keys(x).length : 0;
}

/** The keys of a map or plain object, the members of a set or array. */
export function keysOf(x: unknown): unknown[] {
  if (x instanceof Map) return [...x.keys()];
  if (x instanceof Set || Array.isArray(x)) return [...x];
  return isObject(x) ? Object.keys(x) : [];
}

/** A short list ("2 3 5", "—" when empty), at most `max` items then "… +k". */
export function listOf(items: readonly unknown[], max = 12): string {
  if (items.length === 0) return '—';
  const shown = items.slice(0, max).map((x) => (isObject(x) ? JSON.stringify(x) : String(x)));
  return items.length > max ? `${shown.join(' ')} … +${items.length - max}` : shown.join(' ');
}

/** A scalar field value: strings, numbers, booleans and null as they are, else a summary. */
export function scalar(x: unknown): string | number | boolean | null {
  if (x === null || x === undefined) return null;
  if (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') return x;
  return JSON.stringify(x).slice(0, 80);
}

/** How many values of a plain object or map equal each distinct value ("commit 4, abort 1"). */
export function tally(x: unknown): string {
  const values = x instanceof Map ? [...x.values()] : isObject(x) ? Object.values(x) : [];
  if (values.length === 0) return '—';
  const by = new Map<string, number>();
  for (const v of values) by.set(String(v), (by.get(String(v)) ?? 0) + 1);
  return [...by].map(([v, k]) => `${v} ${k}`).join(', ');
}
