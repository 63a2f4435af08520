import cliProgress from 'cli-progress';
import { AuditLog, type SystemAuditResult } from '../../audit/audit-log.js';
import { AppException } from '../../common/errors/app-exception.js';
import { ErrorCode } from '../../common/errors/error-code.enum.js';
import { KeyRing } from '../../crypto/key-ring.js';
import { DEFAULT_REWRAP_BATCH_SIZE, type RewrapReport, TokenKeyMaintenance } from '../keys/token-key-maintenance.service.js';
import { runKeysCli } from './run-keys-cli.util.js';

/**
 * `npm run keys:rewrap [-- --batch-size N]`: moves every stored token's data key under the primary key
 * (ENCRYPTION_PRIMARY_KEY_ID, else the last of ENCRYPTION_KEYS). Idempotent and resumable. Exit code 0 when
 * every row is now under the primary, 1 when some rows could not be rewrapped (listed), 2 on an error,
 * including an audit log that cannot be written. Each run leaves a `keys.rewrap` request/outcome pair on the
 * platform audit chain, with the counts.
 */
function batchSizeFromArgs(args: string[]): number {
  const index = args.findIndex((arg) => arg === '--batch-size' || arg.startsWith('--batch-size='));
  if (index < 0) return DEFAULT_REWRAP_BATCH_SIZE;
  const raw = args[index].includes('=') ? args[index].split('=')[1] : args[index + 1];
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 10_000) throw new Error('--batch-size must be an integer between 1 and 10000');
  return value;
}

/** The outcome record of a finished run: counts and failure codes, never a token or key. */
function auditResult(report: RewrapReport): SystemAuditResult {
  const failedByCode: Record<string, number> = {};
  for (const failure of report.failed) failedByCode[failure.code] = (failedByCode[failure.code] ?? 0) + 1;
  const details = { primaryKeyId: report.primaryKeyId, rewrapped: report.rewrapped, alreadyCurrent: report.alreadyCurrent, failed: report.failed.length };
  if (report.failed.length === 0) return { outcome: 'success', details };
  return { outcome: 'error', errorCode: 'REWRAP_INCOMPLETE', details: { ...details, failedByCode } };
}

runKeysCli('keys:rewrap', async (context) => {
  const batchSize = batchSizeFromArgs(process.argv.slice(2));
  // Committed before any row changes (a run that dies leaves it `unknown`); no audit log, no rewrap.
  const finishAudit = await context.get(AuditLog).begin({
    action: 'keys.rewrap',
    actorName: 'keys:rewrap CLI',
    readOnly: false,
    details: { primaryKeyId: context.get(KeyRing).primary.id, batchSize },
  });
  const bar = new cliProgress.SingleBar(
    { format: 'rewrap [{bar}] {percentage}% | {value}/{total} rows | {duration_formatted}', stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let report: RewrapReport;
  try {
    report = await context.get(TokenKeyMaintenance).rewrap({
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
  } catch (error) {
    if (started) bar.stop();
    await finishAudit({ outcome: 'error', errorCode: error instanceof AppException ? error.code : ErrorCode.INTERNAL_ERROR }).catch((auditError: Error) =>
      process.stderr.write(`keys:rewrap: the outcome of this run could not be written to the audit log: ${auditError.message}\n`),
    );
    throw error;
  }
  if (started) bar.stop();
  process.stdout.write(`primary key ${report.primaryKeyId}: rewrapped ${report.rewrapped}, already current ${report.alreadyCurrent}\n`);
  if (report.failed.length > 0) {
    process.stdout.write(`failed ${report.failed.length} (their key is not in the key ring, or the stored data is damaged):\n`);
    for (const failure of report.failed) {
      process.stdout.write(`  account ${failure.accountId} (tenant ${failure.tenantId}), key id ${failure.keyId}: ${failure.code}\n`);
    }
  }
  await finishAudit(auditResult(report)).catch((error: Error) => {
    // Exit 2: the rewrap is done (and safe to repeat), but the audit log does not show how it ended.
    throw new Error(`the outcome of this run could not be written to the audit log (${error.message}); running it again records a new one`);
  });
  return report.failed.length === 0 ? 0 : 1;
});
