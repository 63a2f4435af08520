import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestApp } from '../support/test-app.js';
import { ROOT } from './support/compiled-build.js';

/** Redocly CLI, a devDependency; without it this check is skipped (loudly). */
const REDOCLY = join(ROOT, 'node_modules', '.bin', 'redocly');
const installed = existsSync(REDOCLY);
if (!installed) console.warn(`\n!! SKIPPED: the OpenAPI lint. ${REDOCLY} is missing (devDependency @redocly/cli).\n`);

interface LintProblem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  location: { pointer: string }[];
}

function lint(file: string): Promise<LintProblem[]> {
  return new Promise((done, fail) => {
    // Exit code 1 just means problems were found; the JSON report on stdout says which.
    execFile(REDOCLY, ['lint', file, '--format=json'], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }, (error, stdout) => {
      try {
        done((JSON.parse(stdout) as { problems: LintProblem[] }).problems);
      } catch {
        fail(error ?? new Error(`unreadable redocly output: ${stdout.slice(0, 500)}`));
      }
    });
  });
}

(installed ? describe : describe.skip)('the OpenAPI document', () => {
  let t: TestApp;
  let folder: string;

  beforeAll(async () => {
    t = await TestApp.start();
    folder = mkdtempSync(join(tmpdir(), 'wrk-openapi-'));
  });
  afterAll(async () => {
    await t?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('passes Redocly lint (recommended rules) without errors', async () => {
    const document = (await t.http().get('/docs-json').expect(200)).body as unknown;
    const file = join(folder, 'openapi.json');
    writeFileSync(file, JSON.stringify(document, null, 2));
    const problems = await lint(file);
    const errors = problems.filter((p) => p.severity === 'error').map((p) => `${p.ruleId} at ${p.location.map((l) => l.pointer).join(', ')}: ${p.message}`);
    expect(errors).toEqual([]);
  }, 120_000);
});
