import { ErrorCode } from './error-code.enum.js';

/**
 * Every domain error. `message` is shown to the caller, so it must never hold a secret;
 * `details` is optional machine-readable context (e.g. validation problems, ambiguous candidates).
 */
export class AppException extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    /** Extra response headers, e.g. Retry-After. */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppException';
  }
}
