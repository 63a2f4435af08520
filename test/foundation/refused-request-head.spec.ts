import { readRefusedHead } from '../../src/common/http/refused-request-head.js';

/** Where Node's parser stops in `packet`: at `marker`. */
function refused(packet: string, marker: string) {
  return readRefusedHead(Buffer.from(packet, 'latin1'), packet.indexOf(marker));
}

describe('readRefusedHead', () => {
  it('reads the method, target and X-Request-Id of a refused request', () => {
    const packet = 'PUT /v1/tenant?x=1 HTTP/1.1\r\nHost: a\r\nX-Request-ID:  wf-7 \r\nX-Bad: \u0001\r\n\r\n';
    expect(refused(packet, '\u0001')).toEqual({ method: 'PUT', url: '/v1/tenant?x=1', requestId: 'wf-7', complete: false });
  });

  it('takes the request the parser stopped in, not one pipelined before it, nor the id of the one before', () => {
    const packet = 'GET /v1/tenant HTTP/1.1\r\nX-Request-Id: first\r\n\r\nDELETE /v1/api-keys/1 HTTP/1.1\r\nX-Bad: \u0001\r\n\r\n';
    expect(refused(packet, '\u0001')).toEqual({ method: 'DELETE', url: '/v1/api-keys/1', complete: false });
  });

  it('says when the head was complete: then what the parser refused is that request\'s body', () => {
    const packet = 'POST /v1/api-keys HTTP/1.1\r\nTransfer-Encoding: chunked\r\nX-Request-Id: up-1\r\n\r\nzz\r\n';
    expect(refused(packet, 'zz')).toEqual({ method: 'POST', url: '/v1/api-keys', requestId: 'up-1', complete: true });
  });

  it('ignores a request line after the point of failure', () => {
    const packet = 'GARBAGE\r\n\r\nGET /v1/tenant HTTP/1.1\r\n\r\n';
    expect(refused(packet, 'GARBAGE')).toEqual({});
  });

  it('gives nothing for a broken body, a request line it cannot trust, or no packet', () => {
    expect(refused('zz\r\n{"a":1}\r\n0\r\n\r\n', 'zz')).toEqual({});
    expect(refused('GET http://evil.example/v1/tenant HTTP/1.1\r\nX-Bad: \u0001\r\n', '\u0001')).toEqual({});
    expect(refused('GET /v1/ten\u0001ant HTTP/1.1\r\n\r\n', '\u0001')).toEqual({});
    expect(readRefusedHead(undefined, 0)).toEqual({});
  });
});
