import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength } from 'class-validator';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const NODE_ENVS = ['development', 'production', 'test'] as const;

const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

/**
 * Every environment variable the service reads. Validated once at boot: an invalid or missing value
 * stops the process with its name. README's configuration table is checked against this class.
 */
export class EnvironmentSchema {
  /** `production` requires explicit encryption keys. */
  @IsIn(NODE_ENVS)
  NODE_ENV: (typeof NODE_ENVS)[number] = 'development';

  @Type(() => Number) @IsInt() @Min(0) @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  /** Postgres connection string. Unset: an embedded Postgres runs under DATA_DIR. */
  @Transform(emptyToUndefined) @IsOptional()
  @IsUrl({ protocols: ['postgres', 'postgresql'], require_tld: false, require_protocol: true })
  DATABASE_URL?: string;

  /** Role the service's queries run as, so row-level security applies even when DATABASE_URL is a superuser. */
  @Matches(/^[a-z_][a-z0-9_]{0,62}$/)
  DATABASE_APP_ROLE = 'wrk_onepassword_app';

  @Type(() => Number) @IsInt() @Min(1) @Max(200)
  DATABASE_POOL_SIZE = 10;

  @IsString() @MinLength(1)
  DATA_DIR = './data';

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  /** Creates tenants through POST /v1/tenants and nothing else. Unset: tenant creation is disabled. */
  @Transform(emptyToUndefined) @IsOptional() @IsString() @MinLength(32)
  PLATFORM_API_KEY?: string;

  /** Key-encryption keys: `id:base64(32 bytes)[,id:base64...]`. */
  @Transform(emptyToUndefined) @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/=_-]{43,44}(,[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/=_-]{43,44})*$/, {
    message: 'ENCRYPTION_KEYS must be a comma-separated list of id:base64(32 random bytes)',
  })
  ENCRYPTION_KEYS?: string;

  /** Id of the key that wraps new data keys; defaults to the last key listed. */
  @Transform(emptyToUndefined) @IsOptional() @Matches(/^[A-Za-z0-9_-]{1,32}$/)
  ENCRYPTION_PRIMARY_KEY_ID?: string;

  @Type(() => Number) @IsInt() @Min(100) @Max(120000)
  CONNECT_CONNECT_TIMEOUT_MS = 5000;

  @Type(() => Number) @IsInt() @Min(100) @Max(600000)
  CONNECT_REQUEST_TIMEOUT_MS = 15000;

  @Type(() => Number) @IsInt() @Min(0) @Max(10)
  CONNECT_MAX_RETRIES = 3;

  @Type(() => Number) @IsInt() @Min(1) @Max(60000)
  CONNECT_RETRY_BASE_MS = 100;

  @Type(() => Number) @IsInt() @Min(1) @Max(1024)
  CONNECT_MAX_SOCKETS = 64;

  @Type(() => Number) @IsInt() @Min(1) @Max(1000)
  CONNECT_BREAKER_THRESHOLD = 5;

  @Type(() => Number) @IsInt() @Min(100) @Max(600000)
  CONNECT_BREAKER_COOLDOWN_MS = 10000;

  /** Shares rate-limit counters across instances. Unset: counters live in memory. */
  @Transform(emptyToUndefined) @IsOptional()
  @IsUrl({ protocols: ['redis', 'rediss'], require_tld: false, require_protocol: true })
  REDIS_URL?: string;

  /** Requests per minute per tenant (fixed one-minute window). 0: no tenant limit. */
  @Type(() => Number) @IsInt() @Min(0) @Max(10_000_000)
  RATE_LIMIT_TENANT_PER_MINUTE = 6000;

  /** Requests per minute per connected account (route `accountId` or action-run `connectedAccountId`). 0: no limit. */
  @Type(() => Number) @IsInt() @Min(0) @Max(10_000_000)
  RATE_LIMIT_ACCOUNT_PER_MINUTE = 3000;

  /** Prefix of the rate-limit keys in Redis (deployments sharing one Redis use different prefixes). */
  @Matches(/^[A-Za-z0-9:_.-]{1,100}$/)
  RATE_LIMIT_REDIS_PREFIX = 'wrk-onepassword:rate-limit:';

  /** Months of audit records kept besides the current one; older whole months are dropped. 0: keep forever. */
  @Type(() => Number) @IsInt() @Min(0) @Max(1200)
  AUDIT_RETENTION_MONTHS = 0;

  /** How long an audit write may take before the request that waits for it is refused (503 AUDIT_UNAVAILABLE). */
  @Type(() => Number) @IsInt() @Min(100) @Max(60000)
  AUDIT_WRITE_TIMEOUT_MS = 5000;
}
