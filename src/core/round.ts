// A group-commit round: one promise that every caller waiting for the same write shares, resolved
// or rejected by the writer loop once the write is durable or failed (the WAL's, and the broker's
// record segments'). A failure nobody happens to await is not an unhandled rejection: the writer
// keeps it and reports it to every later caller.

export interface Round {
  readonly promise: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
}

export function newRound(): Round {
  let resolve = () => {};
  let reject: (error: unknown) => void = () => {};
  const promise = new Promise<void>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  promise.catch(() => {});
  return { promise, resolve, reject };
}
