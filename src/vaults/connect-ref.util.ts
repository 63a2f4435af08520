import { AppException } from '../common/errors/app-exception.js';
import { ErrorCode } from '../common/errors/error-code.enum.js';

/** Vault, item and file ids as Connect issues them (connect-api.md §1); both SDKs use it to tell ids from titles. */
export const CONNECT_ID_PATTERN = /^[a-z0-9]{26}$/;
/** Longest title, vault name or file name accepted where an id is expected (`?by=title`). */
export const MAX_TITLE_LENGTH = 500;
/** Control characters never belong in an id or a title; refusing them keeps them out of filters and logs. */
export const NO_CONTROL_CHARACTERS = /^[^\p{Cc}]*$/u;

/** How a path reference is read: as a Connect id (default) or as a title / vault name / file name. */
export enum LookupBy {
  Id = 'id',
  Title = 'title',
}

/** One match of a title lookup, as listed in an AMBIGUOUS_TITLE error (no field values, ever). */
export interface TitleCandidate {
  id: string;
  vaultId: string;
  itemId?: string;
  title: string;
  updatedAt?: string;
  state?: string;
}

/** 400 VALIDATION_FAILED in the same shape as the validation pipe's, for checks that need more than one input. */
export function validationFailed(property: string, constraint: string): AppException {
  return new AppException(ErrorCode.VALIDATION_FAILED, 'Request validation failed', { problems: [{ property, constraints: [constraint] }] });
}

/** With `by=id` (the default) a reference must be a Connect id; with `by=title` it is looked up by title. */
export function assertConnectIdOrThrow(property: string, value: string, by: LookupBy | undefined): void {
  if ((by ?? LookupBy.Id) === LookupBy.Id && !CONNECT_ID_PATTERN.test(value)) {
    throw validationFailed(property, `${property} must be a 1Password id (26 characters a-z, 0-9); add ?by=title to look it up by title`);
  }
}

export function ambiguousTitle(kind: 'vault' | 'item' | 'file', title: string, candidates: TitleCandidate[]): AppException {
  return new AppException(
    ErrorCode.AMBIGUOUS_TITLE,
    `${candidates.length} ${kind}s are titled "${title}"; use one of their ids instead`,
    { kind, title, candidates },
  );
}

/** Compares by code units (not locale): fast, stable and the same on every instance. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
