import type { FileContent } from './file-content.js';

/** A response decided by a handler; the dispatcher writes it (and may cut it short to inject a reset). */
export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  body?: Buffer;
  /** Streamed as the body instead of `body`. */
  file?: FileContent;
  /** Runs once the response has been sent, e.g. to stop the listener that carried it. */
  afterSend?: () => void;
}

export const SimResponses = {
  json(status: number, value: unknown, headers: Record<string, string> = {}): SimResponse {
    return SimResponses.jsonBuffer(status, Buffer.from(JSON.stringify(value)), headers);
  },

  jsonBuffer(status: number, body: Buffer, headers: Record<string, string> = {}): SimResponse {
    return { status, body, headers: { 'Content-Type': 'application/json', ...headers } };
  },

  /** The Connect error body `{"status": N, "message": "..."}`. */
  error(status: number, message: string, headers: Record<string, string> = {}): SimResponse {
    return SimResponses.json(status, { status, message }, headers);
  },

  text(status: number, text: string, contentType = 'text/plain; charset=utf-8'): SimResponse {
    return { status, body: Buffer.from(text), headers: { 'Content-Type': contentType } };
  },
};
