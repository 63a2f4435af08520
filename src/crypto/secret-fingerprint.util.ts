import { createHash } from 'node:crypto';
import type { PlaintextSecret } from './plaintext-secret.js';

/** Identifies a token in responses and logs without revealing it. */
export interface SecretFingerprint {
  /** Last 4 characters (a Buffer: last 2 bytes as hex); '****' for secrets too short to spare them. */
  readonly last4: string;
  /** First 12 hex characters of the SHA-256 of the secret's bytes. */
  readonly sha256Prefix: string;
}

/** Below this length, 4 revealed characters would be a real share of the secret. */
const MIN_LENGTH_TO_SHOW_LAST4 = 16;

export function fingerprint(token: PlaintextSecret<string | Buffer>): SecretFingerprint {
  const value = token.reveal();
  // Unsalted, so a guess can be checked against it: fine for long random tokens, not for passwords.
  const sha256Prefix = createHash('sha256').update(value).digest('hex').slice(0, 12);
  if (typeof value === 'string') {
    const chars = [...value];
    return { last4: chars.length >= MIN_LENGTH_TO_SHOW_LAST4 ? chars.slice(-4).join('') : '****', sha256Prefix };
  }
  return { last4: value.length >= MIN_LENGTH_TO_SHOW_LAST4 ? value.subarray(-2).toString('hex') : '****', sha256Prefix };
}
