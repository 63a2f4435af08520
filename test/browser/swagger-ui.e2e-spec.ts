import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { API_TAGS } from '../../src/common/http/setup-swagger.js';
import { ROOT } from '../operations/support/compiled-build.js';
import { demoDataDir, startDemoProcess, type DemoProcess } from '../operations/support/demo-process.js';

/** Debian's Chromium (scripts/ensure-chromium.sh, run by `npm test`); Playwright never downloads a browser here. */
const CHROMIUM = '/usr/bin/chromium';
/** What works on these machines: no sandbox as root, and no background traffic into a closed network. */
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const SCREENSHOTS = join(ROOT, 'test-artifacts', 'browser');
const DEMO_VAULTS = ['Engineering', 'Marketing', 'Private'];

const isRoot = process.getuid?.() === 0;
const browserInstalled = existsSync(CHROMIUM);
if (!browserInstalled && !isRoot) {
  console.warn(
    [
      '',
      '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
      `!! SKIPPED: the Swagger UI browser test. ${CHROMIUM} is missing and only root can install it:`,
      '!!   sudo apt-get install -y chromium     (or run scripts/ensure-chromium.sh as root)',
      '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
    ].join('\n'),
  );
}
// As root (CI) a missing browser is a failure, not a skip: ensure-chromium.sh should have installed it.
const describeInBrowser = browserInstalled || isRoot ? describe : describe.skip;

/** The operation block whose summary is exactly `summary`. */
function operation(page: Page, summary: string): Locator {
  return page.locator('.opblock').filter({ has: page.locator('.opblock-summary-description', { hasText: new RegExp(`^${summary}$`) }) });
}

/** Status code and body of the response Swagger UI shows for an executed operation. */
async function shownResponse(op: Locator): Promise<{ status: number; body: string }> {
  const row = op.locator('.live-responses-table tbody tr.response').first();
  await row.waitFor();
  return { status: Number(await row.locator('.response-col_status').innerText()), body: await row.locator('.response-col_description pre').first().innerText() };
}

describeInBrowser('Swagger UI in a real browser, on a running demo', () => {
  let demo: DemoProcess;
  let userDataDir: string;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];
  let engineeringVaultId: string;

  /** Full page (the evidence), plus the operation block alone where one is named (readable at a glance). */
  const screenshot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, name), fullPage: true });

  beforeAll(async () => {
    if (!browserInstalled) throw new Error(`${CHROMIUM} is missing: run scripts/ensure-chromium.sh (npm test runs it first)`);
    rmSync(SCREENSHOTS, { recursive: true, force: true });
    mkdirSync(SCREENSHOTS, { recursive: true });
    demo = await startDemoProcess(demoDataDir('browser'));
    userDataDir = mkdtempSync(join(tmpdir(), 'wrk-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1400, height: 1000 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(20_000);
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(`CSP: ${message.text()}`);
    });
  }, 300_000);

  afterAll(async () => {
    await context?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    if (demo) {
      await demo.stop('SIGTERM');
      rmSync(demo.dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('renders /docs under the service CSP, with the tags in their order', async () => {
    await page.goto(demo.swaggerUrl);
    await page.locator('.opblock-summary-path').first().waitFor();
    const tags = await page.locator('.opblock-tag-section h3.opblock-tag').evaluateAll((elements) => elements.map((e) => e.getAttribute('data-tag')));
    const declared = API_TAGS.map((tag) => tag.name);
    expect(tags.length).toBeGreaterThanOrEqual(5);
    expect(tags).toEqual(declared.filter((name) => tags.includes(name)));
    expect(tags.slice(0, 3)).toEqual(['Connected accounts', 'Vaults', 'Items']);
    await screenshot('01-docs.png');
    expect(problems).toEqual([]);
  });

  it('authorizes with the demo admin key for the api-key scheme', async () => {
    await page.locator('.auth-wrapper button.authorize').click();
    const scheme = page.locator('.auth-container').filter({ has: page.locator('h4 code', { hasText: /^api-key$/ }) });
    await scheme.locator('input').fill(demo.apiKey);
    await scheme.getByRole('button', { name: 'Apply credentials' }).click();
    await expect(scheme.innerText()).resolves.toContain('Authorized');
    await screenshot('02-authorized.png');
    await page.locator('.modal-ux-inner').screenshot({ path: join(SCREENSHOTS, '02-authorized-dialog.png') });
    await scheme.getByRole('button', { name: 'Close' }).click();
    await expect(page.locator('.auth-wrapper button.authorize').getAttribute('class')).resolves.toContain('locked');
  });

  it('runs "Retrieve vaults" with Try it out: 200 with the demo vaults', async () => {
    const op = operation(page, 'Retrieve vaults from 1Password');
    await op.locator('.opblock-summary').click();
    await op.getByRole('button', { name: 'Try it out' }).click();
    await op.locator('tr[data-param-name="accountId"] input').fill(demo.accountId);
    await op.getByRole('button', { name: 'Execute' }).click();
    const { status, body } = await shownResponse(op);
    expect(status).toBe(200);
    const vaults = (JSON.parse(body) as { data: { id: string; name: string }[] }).data;
    expect(vaults.map((vault) => vault.name)).toEqual(DEMO_VAULTS);
    engineeringVaultId = vaults.find((vault) => vault.name === 'Engineering')!.id;
    // Only what was filled in is sent: no pre-filled example cursor or filter.
    await expect(op.locator('.request-url pre').innerText()).resolves.toBe(`${demo.baseUrl}/v1/connected-accounts/${demo.accountId}/vaults?limit=50&all=false`);
    await screenshot('03-retrieve-vaults.png');
    await op.screenshot({ path: join(SCREENSHOTS, '03-retrieve-vaults-operation.png') });
    await op.locator('.responses-inner > div').first().screenshot({ path: join(SCREENSHOTS, '03-retrieve-vaults-response.png') });
  });

  it('runs "Create a vault item" with Try it out: 201 with the created item', async () => {
    const title = `Created from Swagger UI ${randomBytes(3).toString('hex')}`;
    const op = operation(page, 'Create a vault item in 1Password');
    await op.locator('.opblock-summary').click();
    await op.getByRole('button', { name: 'Try it out' }).click();
    await op.locator('tr[data-param-name="accountId"] input').fill(demo.accountId);
    await op.locator('tr[data-param-name="vaultId"] input').fill(engineeringVaultId);
    const item = {
      title,
      category: 'LOGIN',
      tags: ['demo'],
      fields: [
        { purpose: 'USERNAME', label: 'username', value: 'swagger-user' },
        { purpose: 'PASSWORD', label: 'password', generate: true, recipe: { length: 24, characterSets: ['LETTERS', 'DIGITS'] } },
      ],
    };
    await op.locator('textarea.body-param__text').fill(JSON.stringify(item, null, 2));
    await op.getByRole('button', { name: 'Execute' }).click();
    const { status, body } = await shownResponse(op);
    expect(status).toBe(201);
    const created = JSON.parse(body) as { id: string; title: string; vault: { id: string }; fields: { purpose?: string; value?: string }[] };
    expect(created).toMatchObject({ title, category: 'LOGIN', vault: { id: engineeringVaultId } });
    expect(created.fields.find((field) => field.purpose === 'PASSWORD')?.value).toMatch(/^[A-Za-z0-9]{24}$/);
    await screenshot('04-create-item.png');
    await op.screenshot({ path: join(SCREENSHOTS, '04-create-item-operation.png') });
    await op.locator('.responses-inner > div').first().screenshot({ path: join(SCREENSHOTS, '04-create-item-response.png') });

    // It is really there: read back through the API with the same key.
    const read = await fetch(`${demo.baseUrl}/v1/connected-accounts/${demo.accountId}/vaults/${engineeringVaultId}/items/${created.id}`, {
      headers: { Authorization: `Bearer ${demo.apiKey}` },
    });
    expect(read.status).toBe(200);
    expect(((await read.json()) as { title: string }).title).toBe(title);
    expect(problems).toEqual([]);
  });
});
