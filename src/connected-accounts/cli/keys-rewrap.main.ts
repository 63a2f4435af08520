import cliProgress from 'cli-progress';
import { DEFAULT_REWRAP_BATCH_SIZE, TokenKeyMaintenance } from '../keys/token-key-maintenance.service.js';
import { runKeysCli } from './run-keys-cli.util.js';

/**
 * `npm run keys:rewrap [-- --batch-size N]`: moves every stored token's data key under the primary key
 * (ENCRYPTION_PRIMARY_KEY_ID, else the last of ENCRYPTION_KEYS). Idempotent and resumable. Exit code 0 when
 * every row is now under the primary, 1 when some rows could not be rewrapped (listed), 2 on an error.
 */
function batchSizeFromArgs(args: string[]): number {
  const index = args.findIndex((arg) => arg === '--batch-size' || arg.startsWith('--batch-size='));
  if (index < 0) return DEFAULT_REWRAP_BATCH_SIZE;
  const raw = args[index].includes('=') ? args[index].split('=')[1] : args[index + 1];
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 10_000) throw new Error('--batch-size must be an integer between 1 and 10000');
  return value;
}

runKeysCli('keys:rewrap', async (context) => {
  const batchSize = batchSizeFromArgs(process.argv.slice(2));
  const bar = new cliProgress.SingleBar(
    { format: 'rewrap [{bar}] {percentage}% | {value}/{total} rows | {duration_formatted}', stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  const report = await context.get(TokenKeyMaintenance).rewrap({
    batchSize,
    onProgress: ({ done, total }) => {
      if (!started) {
        bar.start(total, done);
        started = true;
      } else {
        bar.setTotal(total);
        bar.update(done);
      }
    },
  });
  if (started) bar.stop();
  process.stdout.write(`primary key ${report.primaryKeyId}: rewrapped ${report.rewrapped}, already current ${report.alreadyCurrent}\n`);
  if (report.failed.length === 0) return 0;
  process.stdout.write(`failed ${report.failed.length} (their key is not in the key ring, or the stored data is damaged):\n`);
  for (const failure of report.failed) {
    process.stdout.write(`  account ${failure.accountId} (tenant ${failure.tenantId}), key id ${failure.keyId}: ${failure.code}\n`);
  }
  return 1;
});
