import type { ServerResponse } from 'node:http';

import type { SimResponse } from './sim-response.js';

/**
 * Closes the socket under the HTTP response once the bytes written so far are flushed: unlike an RST, which
 * can overtake them, this guarantees the client received the partial response before the connection died.
 */
function cutConnection(res: ServerResponse): void {
  res.socket?.end();
}

/**
 * Writes a SimResponse. With `cutMidway`, the headers (announcing the full length) and half the body are sent,
 * then the connection is closed; a response without a body is cut before its headers.
 */
export function writeResponse(res: ServerResponse, response: SimResponse, cutMidway: boolean): void {
  if (response.afterSend) res.once('finish', response.afterSend);
  const size = response.file ? response.file.size : (response.body?.length ?? 0);
  if (cutMidway && size === 0) {
    cutConnection(res);
    return;
  }
  // A 204 must not carry Content-Length (RFC 9110 §8.6).
  const lengthHeader = response.status === 204 ? {} : { 'Content-Length': String(size) };
  res.writeHead(response.status, { ...response.headers, ...lengthHeader });
  const sent = cutMidway ? Math.floor(size / 2) : size;
  if (response.file) {
    const stream = response.file.stream(sent);
    res.once('close', () => stream.destroy());
    stream.pipe(res, { end: !cutMidway });
    if (cutMidway) stream.once('end', () => cutConnection(res));
    return;
  }
  if (!cutMidway) {
    res.end(response.body);
    return;
  }
  res.write(response.body!.subarray(0, sent));
  cutConnection(res);
}
