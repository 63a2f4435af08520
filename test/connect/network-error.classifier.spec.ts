import { classifyNetworkError } from '../../src/connect/network-error.classifier.js';

const nodeError = (code: string, syscall?: string) => Object.assign(new Error(code), { code, ...(syscall ? { syscall } : {}) });

describe('classifyNetworkError', () => {
  it('reads the Node error itself (the Connect transport) as it reads the one axios wraps', () => {
    const raw = nodeError('ETIMEDOUT', 'connect');
    const wrapped = Object.assign(new Error('wrapped'), { code: 'ETIMEDOUT', cause: raw });
    expect(classifyNetworkError(raw)).toEqual({ kind: 'unreachable', code: 'ETIMEDOUT' });
    expect(classifyNetworkError(wrapped)).toEqual({ kind: 'unreachable', code: 'ETIMEDOUT' });
  });

  it('tells a slow server (request timer) from an unreachable one (TCP connect)', () => {
    expect(classifyNetworkError(nodeError('ETIMEDOUT'))).toEqual({ kind: 'timeout', code: 'ETIMEDOUT' });
    expect(classifyNetworkError(nodeError('ECONNREFUSED', 'connect'))).toEqual({ kind: 'unreachable', code: 'ECONNREFUSED' });
    expect(classifyNetworkError(nodeError('ECONNRESET', 'read'))).toEqual({ kind: 'reset', code: 'ECONNRESET' });
  });

  it("reads undici's codes: a closed socket is a reset, its timers a slow server, its connect timeout unreachable", () => {
    expect(classifyNetworkError(nodeError('UND_ERR_SOCKET'))).toEqual({ kind: 'reset', code: 'UND_ERR_SOCKET' });
    expect(classifyNetworkError(nodeError('UND_ERR_BODY_TIMEOUT'))).toEqual({ kind: 'timeout', code: 'ETIMEDOUT' });
    expect(classifyNetworkError(nodeError('UND_ERR_HEADERS_TIMEOUT'))).toEqual({ kind: 'timeout', code: 'ETIMEDOUT' });
    expect(classifyNetworkError(nodeError('UND_ERR_CONNECT_TIMEOUT'))).toEqual({ kind: 'unreachable', code: 'UND_ERR_CONNECT_TIMEOUT' });
    expect(classifyNetworkError(nodeError('HPE_INVALID_CONSTANT'))).toEqual({ kind: 'protocol', code: 'HPE_INVALID_CONSTANT' });
  });
});
