/**
 * Every string stored in an audit record goes through here: control characters (C0, DEL, C1), line and
 * paragraph separators and bidi overrides are removed, so no value can split a record, forge a line in an
 * export or disguise itself in a viewer; lone surrogates become U+FFFD so the text round-trips through
 * Postgres byte for byte (the hash chain depends on it).
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex
const HAS_UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** ES2024 String methods (in Node 20, not in this project's ES2023 lib typings). */
type WellFormed = string & { isWellFormed(): boolean; toWellFormed(): string };

export function cleanText(value: unknown, max = 512): string | null {
  if (value === undefined || value === null) return null;
  let text = typeof value === 'string' ? value : String(value);
  if (text.length > max) text = text.slice(0, max);
  if (HAS_UNSAFE.test(text)) text = text.replace(UNSAFE, '');
  return (text as WellFormed).isWellFormed() ? text : (text as WellFormed).toWellFormed();
}

/** Property names whose values are secrets wherever they appear in a summary: the value is replaced. */
const SECRET_NAME = /^(authorization|cookie|token|connect[-_]?token|access[-_]?token|bearer|secret|client[-_]?secret|password|passwd|passphrase|api[-_]?key|key|private[-_]?key|value|values|content|data|totp|otp|credential|credentials)$/i;
export const REDACTED = '[redacted]';

const MAX_DEPTH = 4;
const MAX_KEYS = 50;
const MAX_ITEMS = 50;
const MAX_STRING = 200;

/**
 * Copies a summary into what may be stored: JSON types only, bounded in depth and size, strings cleaned,
 * secret-named properties redacted. A second guard behind the summarisers, which never copy values anyway.
 */
export function sanitizeDetails(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
      return cleanText(value, MAX_STRING);
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'boolean':
      return value;
    case 'object':
      break;
    default:
      return null;
  }
  if (depth >= MAX_DEPTH) return null;
  if (Array.isArray(value)) return value.slice(0, MAX_ITEMS).map((item) => sanitizeDetails(item, depth + 1));
  const out: Record<string, unknown> = {};
  let count = 0;
  for (const [rawKey, item] of Object.entries(value as Record<string, unknown>)) {
    if (item === undefined) continue;
    if (++count > MAX_KEYS) break;
    const key = cleanText(rawKey, 64) ?? '';
    out[key] = SECRET_NAME.test(key) ? REDACTED : sanitizeDetails(item, depth + 1);
  }
  return out;
}
