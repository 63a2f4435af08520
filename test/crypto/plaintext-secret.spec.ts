import { inspect, format } from 'node:util';
import { PlaintextSecret } from '../../src/crypto/plaintext-secret.js';

describe('PlaintextSecret', () => {
  const canary = 'ops_canary_3f9a1c77e2';

  it.each([
    ['a string', canary],
    ['a Buffer', Buffer.from(canary)],
  ])('never shows %s when logged or serialised', (_kind, value) => {
    const secret = new PlaintextSecret(value);
    const shown = [
      JSON.stringify(secret),
      JSON.stringify({ nested: { secret } }),
      String(secret),
      `${secret}`,
      'x' + secret,
      inspect(secret),
      inspect({ secret }, { depth: 5, showHidden: true }),
      inspect(secret, { customInspect: false, showHidden: true }),
      format('%s %o %O %j', secret, secret, secret, secret),
      JSON.stringify(Object.entries(secret)),
      JSON.stringify({ ...secret }),
    ];
    for (const text of shown) {
      expect(text).not.toContain(canary);
      expect(text).not.toContain(Buffer.from(canary).toString('hex'));
    }
    expect(String(secret)).toBe('[REDACTED]');
    expect(JSON.stringify(secret)).toBe('"[REDACTED]"');
    expect(inspect(secret)).toBe('[REDACTED]');
  });

  it('reveals the value on request', () => {
    expect(new PlaintextSecret(canary).reveal()).toBe(canary);
    const bytes = Buffer.from([1, 2, 3]);
    expect(new PlaintextSecret(bytes).reveal()).toBe(bytes);
  });

  it('refuses anything but a string or Buffer', () => {
    expect(() => new PlaintextSecret(42 as unknown as string)).toThrow(TypeError);
  });
});
