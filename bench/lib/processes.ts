import { spawn, type ChildProcess } from 'node:child_process';

/** A child process whose output is kept (the last lines) and can be waited on. */
export class Child {
  readonly lines: string[] = [];
  private readonly waiters: { pattern: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  private stopping = false;
  private exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly exitWaiters: (() => void)[] = [];

  private constructor(
    readonly name: string,
    readonly proc: ChildProcess,
    private readonly echo: boolean,
  ) {
    const onData = (stream: 'out' | 'err') => {
      let partial = '';
      return (chunk: Buffer) => {
        const text = partial + chunk.toString('utf8');
        const parts = text.split('\n');
        partial = parts.pop() ?? '';
        for (const line of parts) this.onLine(line, stream);
      };
    };
    proc.stdout?.on('data', onData('out'));
    proc.stderr?.on('data', onData('err'));
    proc.once('exit', (code, signal) => {
      this.exited = { code, signal };
      if (!this.stopping) process.stderr.write(`  [${name}] exited unexpectedly (${signal ?? `code ${code}`})\n`);
      for (const wake of this.exitWaiters.splice(0)) wake();
    });
  }

  static start(name: string, command: string, args: string[], options: { env: NodeJS.ProcessEnv; cwd?: string; echo?: boolean }): Child {
    const proc = spawn(command, args, { env: options.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    return new Child(name, proc, options.echo ?? false);
  }

  get pid(): number {
    if (this.proc.pid === undefined) throw new Error(`${this.name} has no pid`);
    return this.proc.pid;
  }

  get running(): boolean {
    return this.exited === undefined;
  }

  /** Resolves with the first line (seen so far or later) matching `pattern`; rejects on exit or timeout. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    for (const line of this.lines) {
      const match = pattern.exec(line);
      if (match) return Promise.resolve(match);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => fail(`${this.name} did not print ${pattern} within ${timeoutMs} ms`), timeoutMs);
      const waiter = {
        pattern,
        resolve: (m: RegExpMatchArray) => {
          clearTimeout(timer);
          this.proc.off('exit', onExit);
          resolve(m);
        },
      };
      const fail = (message: string) => {
        clearTimeout(timer);
        this.proc.off('exit', onExit);
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(new Error(`${message}\n--- last output of ${this.name} ---\n${this.lines.slice(-30).join('\n')}`));
      };
      const onExit = () => fail(`${this.name} exited (${this.exited?.code ?? this.exited?.signal})`);
      this.proc.once('exit', onExit);
      this.waiters.push(waiter);
    });
  }

  /** SIGTERM, then SIGKILL (this child's pid only) if it has not exited within `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    if (!this.running) return;
    const exited = new Promise<void>((resolve) => this.exitWaiters.push(resolve));
    this.stopping = true;
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => {
      if (this.running) this.proc.kill('SIGKILL');
    }, graceMs);
    await exited;
    clearTimeout(timer);
  }

  signal(signal: NodeJS.Signals): void {
    if (this.running) this.proc.kill(signal);
  }

  private onLine(line: string, stream: 'out' | 'err'): void {
    this.lines.push(line);
    if (this.lines.length > 500) this.lines.splice(0, this.lines.length - 500);
    if (this.echo || stream === 'err') process.stderr.write(`  [${this.name}] ${line}\n`);
    for (const waiter of [...this.waiters]) {
      const match = waiter.pattern.exec(line);
      if (match) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(match);
      }
    }
  }
}

