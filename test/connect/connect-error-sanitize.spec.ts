import { ConnectErrorMapper } from '../../src/connect/connect-error.mapper.js';

// The shape of a Connect token: a JWT whose signature alone is secret enough to be worth hiding.
const header = 'eyJhbGciOiJFUzI1NiIsImtpZCI6ImNhbmFyeSJ9';
const payload = 'eyJzdWIiOiJjYW5hcnktdXNlciIsImF1ZCI6WyJjb25uZWN0Il19';
const signature = 'Q2FuYXJ5U2lnbmF0dXJlVGhhdE11c3ROZXZlckxlYWtfMDEyMzQ1Njc4OQ';
const token = `${header}.${payload}.${signature}`;

describe('ConnectErrorMapper.sanitize (a Connect message that echoes the token)', () => {
  it.each([
    ['the whole token', `token ${token} is not valid`],
    ['a Bearer header', `got Authorization: Bearer ${token}`],
    ['the signature alone', `bad signature ${signature}`],
    ['the parts with spaces around the dots', `token ${header} . ${payload} . ${signature} rejected`],
  ])('hides %s', (_what, message) => {
    const clean = ConnectErrorMapper.sanitize(message, token);
    for (const part of [signature, payload]) expect(clean).not.toContain(part);
    expect(clean).toContain('[REDACTED]');
  });

  it('leaves messages without the token as they are', () => {
    expect(ConnectErrorMapper.sanitize('vault abcdefghijklmnopqrstuvwxyz not found', token)).toBe('vault abcdefghijklmnopqrstuvwxyz not found');
  });
});
