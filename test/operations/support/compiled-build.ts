import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../../..');
/** `npm run build`'s output (tsconfig.build.json), compiled here instead of into dist/ so a running service is left alone. */
export const BUILD_DIR = join(ROOT, 'test-artifacts', 'build');
const LOCK_DIR = `${BUILD_DIR}.lock`;
const MARKER = join(BUILD_DIR, '.built-for-test-run');
const WAIT_MS = 240_000;

/** One id per `jest` run (test/setup/global-setup.mjs names the run's database), so each run compiles once. */
function testRunId(): string {
  return process.env.WRK_TEST_DATABASE_NAME ?? `parent-${process.ppid}`;
}

function readMarker(): string | undefined {
  return existsSync(MARKER) ? readFileSync(MARKER, 'utf8') : undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function tryLock(): boolean {
  try {
    // The parent exists on a fresh clone too; the lock itself must be created atomically, so not recursively.
    mkdirSync(dirname(LOCK_DIR), { recursive: true });
    mkdirSync(LOCK_DIR, { recursive: false });
    writeFileSync(join(LOCK_DIR, 'pid'), String(process.pid));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const pidFile = join(LOCK_DIR, 'pid');
    const owner = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : NaN;
    // A lock left by a test process that died: take it over.
    if (Number.isInteger(owner) && !alive(owner)) rmSync(LOCK_DIR, { recursive: true, force: true });
    return false;
  }
}

function compile(): Promise<void> {
  rmSync(BUILD_DIR, { recursive: true, force: true });
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  return new Promise((done, fail) => {
    // tsc exits 2 on a type error anywhere but still emits; type errors are `npm run typecheck`'s business.
    execFile(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', BUILD_DIR], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 }, (error, stdout) => {
      if (existsSync(join(BUILD_DIR, 'src', 'main.js'))) done();
      else fail(new Error(`the build produced no src/main.js: ${error?.message ?? ''}\n${stdout}`));
    });
  });
}

/**
 * The compiled service, built at most once per test run however many test files ask (a lock directory
 * serialises them across Jest workers). Returns the build directory (the equivalent of dist/).
 */
export async function compiledBuild(): Promise<string> {
  const run = testRunId();
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    if (readMarker() === run) return BUILD_DIR;
    if (tryLock()) {
      try {
        if (readMarker() !== run) {
          await compile();
          writeFileSync(MARKER, run);
        }
      } finally {
        rmSync(LOCK_DIR, { recursive: true, force: true });
      }
      return BUILD_DIR;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for another test file's build (${LOCK_DIR})`);
    await new Promise((wake) => setTimeout(wake, 500));
  }
}
