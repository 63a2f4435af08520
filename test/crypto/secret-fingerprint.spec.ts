import { createHash } from 'node:crypto';
import { PlaintextSecret } from '../../src/crypto/plaintext-secret.js';
import { fingerprint } from '../../src/crypto/secret-fingerprint.util.js';

describe('fingerprint', () => {
  const token = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.sig-ABCD';

  it('shows the last 4 characters and a 12-hex SHA-256 prefix', () => {
    expect(fingerprint(new PlaintextSecret(token))).toEqual({
      last4: 'ABCD',
      sha256Prefix: createHash('sha256').update(token).digest('hex').slice(0, 12),
    });
  });

  it('tells different tokens apart and is stable for the same token', () => {
    const a = fingerprint(new PlaintextSecret(token));
    expect(fingerprint(new PlaintextSecret(token))).toEqual(a);
    expect(fingerprint(new PlaintextSecret(`${token}x`)).sha256Prefix).not.toBe(a.sha256Prefix);
  });

  it('hides the tail of short secrets', () => {
    expect(fingerprint(new PlaintextSecret('short-pw')).last4).toBe('****');
  });

  it('handles Buffers', () => {
    const bytes = Buffer.alloc(32, 0xab);
    expect(fingerprint(new PlaintextSecret(bytes))).toEqual({
      last4: 'abab',
      sha256Prefix: createHash('sha256').update(bytes).digest('hex').slice(0, 12),
    });
  });
});
