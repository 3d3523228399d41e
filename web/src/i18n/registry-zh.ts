// The shape of an algorithm's Chinese registry text (zh-registry-a.ts, zh-registry-b.ts), read
// by registry-text.ts: a module of its own so the tables need not import their reader.

export interface RegistryZh {
  readonly summary: string;
  /** By scenario name. */
  readonly scenarios: Readonly<Record<string, string>>;
}
