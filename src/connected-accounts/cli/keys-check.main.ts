import { TokenKeyMaintenance } from '../keys/token-key-maintenance.service.js';
import { runKeysCli } from './run-keys-cli.util.js';

/**
 * `npm run keys:check`: prints how many stored tokens each key id wraps. Exit code 0 when every row is under
 * the primary key (so every other key may be removed from ENCRYPTION_KEYS), 1 otherwise, 2 on an error.
 */
runKeysCli('keys:check', async (context) => {
  const report = await context.get(TokenKeyMaintenance).check();
  const out: string[] = [`primary key: ${report.primaryKeyId} (key ring: ${report.keyRingIds.join(', ')})`];
  if (report.usage.length === 0) out.push('  no stored tokens');
  for (const usage of report.usage) {
    const note = usage.primary ? 'primary' : usage.inKeyRing ? 'needs rewrap' : 'NOT IN THE KEY RING: these rows cannot be opened';
    out.push(`  ${usage.keyId}: ${usage.rows} row${usage.rows === 1 ? '' : 's'} (${note})`);
  }
  if (report.ok) {
    out.push(report.removableKeyIds.length > 0 ? `OK: no row needs ${report.removableKeyIds.join(', ')}; they can be removed from ENCRYPTION_KEYS` : 'OK: every row is under the primary key');
  } else {
    out.push(`NOT OK: ${report.rowsNeedingOtherKeys} row(s) need a key other than the primary; run npm run keys:rewrap`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
  return report.ok ? 0 : 1;
});
