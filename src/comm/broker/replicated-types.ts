// The replicated mode's client-side shapes (replicated-server.ts answers them; client.ts
// and replicated-client.ts read them): fetched records and a broker's metadata.
//
// Fault model: none; plain types.

/** A record as Fetch returns it (replicated mode). */
export interface FetchedMessage {
  readonly offset: number;
  readonly key: string | null;
  readonly value: Buffer;
  readonly timestamp: number;
}

export interface FetchResult {
  /** The partition's first retained offset, and the offset its next record will get. */
  readonly start: number;
  readonly next: number;
  readonly records: FetchedMessage[];
}

export interface BrokerMetadata {
  readonly brokerId: number;
  /** null: no leader known to this broker. */
  readonly metaLeader: number | null;
  /** Per partition of the topic asked about. */
  readonly leaders: (number | null)[];
}
