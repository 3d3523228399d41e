// How the inspector prints a node's state: scalars as they are, maps as key → value, sets
// and arrays as lists, objects (plain or class instances) by their own fields, and a
// compound value in one line — its items when few and simple, else its kind and size.

export const INLINE_MAX = 6;

export type Row = readonly [key: string, value: unknown];

export const isCompound = (v: unknown): v is object => typeof v === 'object' && v !== null;

/** A number, string, boolean, null or undefined, as the inspector prints it. */
export function formatScalar(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(+v.toFixed(3));
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'function') return 'ƒ';
  return String(v);
}

export function rowsOf(v: object): Row[] {
  if (v instanceof Map)
    return [...v].map(([k, x]) => [isCompound(k) ? JSON.stringify(k) : String(k), x]);
  if (v instanceof Set) return [...v].map((x, i) => [String(i), x]);
  if (Array.isArray(v)) return v.map((x, i) => [String(i), x]);
  if (ArrayBuffer.isView(v)) return [];
  return Object.entries(v).filter(([, x]) => typeof x !== 'function');
}

/** What a collapsed value says: its kind and size, or its items when few and simple. */
export function summaryOf(v: object): string {
  if (ArrayBuffer.isView(v)) return `${v.constructor.name} (${v.byteLength} bytes)`;
  const rows = rowsOf(v);
  const simple = rows.length <= INLINE_MAX && rows.every(([, x]) => !isCompound(x));
  if (v instanceof Map)
    return simple
      ? `{${rows.map(([k, x]) => `${k} → ${formatScalar(x)}`).join(', ')}}`
      : `Map (${rows.length})`;
  if (v instanceof Set || Array.isArray(v))
    return simple
      ? `[${rows.map(([, x]) => formatScalar(x)).join(', ')}]`
      : `${v instanceof Set ? 'Set ' : ''}[${rows.length}]`;
  const name = v.constructor?.name;
  const label = name !== undefined && name !== 'Object' ? `${name} ` : '';
  return simple && rows.length > 0
    ? `${label}{${rows.map(([k, x]) => `${k}: ${formatScalar(x)}`).join(', ')}}`
    : `${label}{${rows.length} fields}`;
}
