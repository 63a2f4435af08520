import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { Writable } from 'node:stream';

/**
 * The demo's service log: JSON lines appended to a file with synchronous writes, so the terminal keeps the
 * demo's own output and nothing is lost when a signal ends the process.
 */
export class DemoLogFile extends Writable {
  private fd: number | undefined;

  constructor(readonly path: string) {
    super();
    mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
    this.fd = openSync(path, 'a', 0o600);
  }

  override _write(chunk: Buffer, _encoding: string, done: (error?: Error | null) => void): void {
    try {
      if (this.fd !== undefined) writeSync(this.fd, chunk);
      done();
    } catch (error) {
      done(error as Error);
    }
  }

  override _final(done: (error?: Error | null) => void): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    done();
  }
}
