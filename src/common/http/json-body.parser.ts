import type { FastifyRequest } from 'fastify';
import { AppException } from '../errors/app-exception.js';
import { ErrorCode } from '../errors/error-code.enum.js';

/**
 * How deep objects and arrays may nest in a request body. The deepest body of this API (an item's field recipe's
 * character sets, inside `input` of an action run) is 7 levels; class-transformer and class-validator recurse once
 * per level, and a few thousand levels overflow the stack.
 */
export const MAX_JSON_DEPTH = 64;

/** The RFC 6902 media type, accepted only by routes whose Fastify config sets ACCEPTS_JSON_PATCH (`@RouteConfig`). */
export const JSON_PATCH_MEDIA_TYPE = 'application/json-patch+json';
export const ACCEPTS_JSON_PATCH = 'acceptsJsonPatch';

type Done = (error: Error | null, body?: unknown) => void;

const malformed = () => new AppException(ErrorCode.MALFORMED_BODY, 'The request body is not valid JSON');

/**
 * Parses every JSON body (Fastify's own parser, secure-json-parse, answered a prototype key as invalid JSON and
 * let any depth through). Objects keep `__proto__` as an ordinary own key here (JSON.parse does not set the
 * prototype), and is refused like secure-json-parse refuses it, together with `constructor.prototype`.
 */
export function parseJsonBody(_request: FastifyRequest, body: Buffer, done: Done): void {
  let text = body.toString('utf8');
  // secure-json-parse skipped a byte order mark; some clients still send one.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw malformed();
  }
  checkShape(value);
  done(null, value);
}

/** `application/json-patch+json`: a JSON body, on the routes that take an RFC 6902 document only. */
export function parseJsonPatchBody(request: FastifyRequest, body: Buffer, done: Done): void {
  if ((request.routeOptions.config as unknown as Record<string, unknown> | undefined)?.[ACCEPTS_JSON_PATCH] !== true) {
    throw new AppException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, `This route does not take ${JSON_PATCH_MEDIA_TYPE}; send application/json`);
  }
  parseJsonBody(request, body, done);
}

/** Depth and prototype keys in one pass, without recursion (JSON.parse itself does not recurse either). */
function checkShape(root: unknown): void {
  const pending: { value: object; depth: number }[] = [];
  if (typeof root === 'object' && root !== null) pending.push({ value: root, depth: 1 });
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { value, depth } = next;
    if (depth > MAX_JSON_DEPTH) {
      throw new AppException(ErrorCode.BODY_TOO_DEEPLY_NESTED, `The request body nests objects and arrays more than ${MAX_JSON_DEPTH} levels deep`, { maxDepth: MAX_JSON_DEPTH });
    }
    const record = value as Record<string, unknown>;
    for (const key in record) {
      const child = record[key];
      const isObject = typeof child === 'object' && child !== null;
      if (key === '__proto__' || (key === 'constructor' && isObject && Object.hasOwn(child, 'prototype'))) {
        const what = key === '__proto__' ? '"__proto__"' : '"constructor" with a "prototype"';
        throw new AppException(ErrorCode.MALFORMED_BODY, `The request body holds the key ${what}, which is not allowed`, { key });
      }
      if (isObject) pending.push({ value: child, depth: depth + 1 });
    }
  }
}
