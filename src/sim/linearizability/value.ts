// A canonical text for a history value, so register states compare and hash as strings:
// equal values (numbers, strings, nil, vectors, maps with keys in any order) encode alike.
//
// Fault model: values come from untrusted files; anything JSON cannot say (bigint, cycles
// aside) is still encoded deterministically.

/** The canonical encoding of `v` (JSON, with object keys sorted; undefined as null). */
export function encodeValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'number':
      return Number.isFinite(v) ? String(v) : JSON.stringify(String(v));
    case 'bigint':
      return v.toString();
    case 'string':
      return JSON.stringify(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object': {
      if (Array.isArray(v)) return `[${v.map(encodeValue).join(',')}]`;
      const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) =>
        a < b ? -1 : a > b ? 1 : 0,
      );
      return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${encodeValue(x)}`).join(',')}}`;
    }
    default:
      return JSON.stringify(String(v));
  }
}
