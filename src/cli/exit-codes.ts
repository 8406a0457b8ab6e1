/** Exit codes of `cbrain`, documented in the README. */
export const EXIT = {
  OK: 0,
  FAILURE: 1,
  USAGE: 2,
  VERIFY_FAILED: 3,
  CONFIG: 4,
} as const;

/** An error the CLI reports as one line and a chosen exit code, without a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.FAILURE,
  ) {
    super(message);
  }
}
