/** What the request line and headers of a refused request say, as far as they were whole. */
export interface RefusedRequestHead {
  method?: string;
  /** The request target as sent (origin form only). */
  url?: string;
  /** The X-Request-Id header's value, unchecked. */
  requestId?: string;
  /** The head ended before the point of failure: what the parser refused is this request's body. */
  complete?: boolean;
}

const REQUEST_LINE = /(?:^|\n)([A-Z]{1,20}) (\/[\x21-\x7e]*) HTTP\/1\.[01]\r?\n/g;
const REQUEST_ID_LINE = /\nx-request-id:[ \t]*([^\r\n]*?)[ \t]*\r?\n/i;
/** How much of the raw packet is read: Node's default limit for a request's headers. */
const SCAN_BYTES = 16 * 1024;

/**
 * Reads the head of the request Node's HTTP parser refused from the packet it was parsing (`rawPacket`), up to
 * where it stopped (`bytesParsed`). A packet may hold requests pipelined before the refused one, so the last
 * request line before that point is the one refused (or whose body was, when its head is complete); a packet with
 * none (the rest of a body that broke its framing) gives nothing.
 */
export function readRefusedHead(rawPacket: unknown, bytesParsed: unknown): RefusedRequestHead {
  if (!Buffer.isBuffer(rawPacket)) return {};
  const end = typeof bytesParsed === 'number' && bytesParsed >= 0 ? Math.min(bytesParsed + 1, SCAN_BYTES) : SCAN_BYTES;
  const text = rawPacket.subarray(0, end).toString('latin1');
  let line: RegExpExecArray | undefined;
  for (const match of text.matchAll(REQUEST_LINE)) line = match;
  if (!line) return {};
  const start = line.index + line[0].length - 1;
  const headEnd = text.indexOf('\r\n\r\n', start);
  const requestId = REQUEST_ID_LINE.exec(text.slice(start, headEnd < 0 ? text.length : headEnd + 2))?.[1];
  return { method: line[1], url: line[2], ...(requestId === undefined ? {} : { requestId }), complete: headEnd >= 0 };
}
