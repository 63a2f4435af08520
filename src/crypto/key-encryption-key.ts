import type { KeyObject } from 'node:crypto';

/** One key of the key ring. A KeyObject, so logging it never prints the key bytes. */
export interface KeyEncryptionKey {
  readonly id: string;
  readonly key: KeyObject;
}
