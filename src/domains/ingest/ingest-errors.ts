// File-level problems of an import: the file cannot be read as a table at all (as opposed to a row that fails,
// which goes to the quarantine). Each carries a code from the error catalogue so the API answers 4xx and the CLI
// prints one clear line.
import type { ErrorCode } from '../../platform/http/errors.ts';

export class IngestFileError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly messageZh: string,
    messageEn: string,
    /** 1-based data row (header excluded) or file line where the problem was found, when known. */
    readonly at?: number,
  ) {
    super(messageEn);
  }
}
