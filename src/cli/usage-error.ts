// Bad usage: answered with one line on stderr and exit code 2, never a stack trace.

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const EXIT_OK = 0;
export const EXIT_CHECK_FAILED = 1;
export const EXIT_USAGE = 2;

/** How a command's action reports its exit code. */
export type Exit = (code: number) => void;
