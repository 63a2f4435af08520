import { InvalidEnvironmentError, validateEnvironment } from '../../src/config/load-environment.js';
import { createApp } from '../../src/app.factory.js';

describe('configuration', () => {
  it('applies defaults', () => {
    const env = validateEnvironment({});
    expect(env).toMatchObject({ PORT: 3000, DATA_DIR: './data', LOG_LEVEL: 'info', NODE_ENV: 'development' });
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it('takes an empty value as unset: the default, not 0', () => {
    const env = validateEnvironment({ PORT: '', RATE_LIMIT_TENANT_PER_MINUTE: '', CONNECT_MAX_RETRIES: '', DATABASE_URL: '' });
    const defaults = validateEnvironment({});
    expect(env).toMatchObject({ PORT: 3000, RATE_LIMIT_TENANT_PER_MINUTE: defaults.RATE_LIMIT_TENANT_PER_MINUTE, CONNECT_MAX_RETRIES: defaults.CONNECT_MAX_RETRIES });
    expect(defaults.RATE_LIMIT_TENANT_PER_MINUTE).toBeGreaterThan(0);
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ PLATFORM_API_KEY: 'short' }, 'PLATFORM_API_KEY'],
    [{ ENCRYPTION_KEYS: 'k1:notbase64' }, 'ENCRYPTION_KEYS'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV'],
  ])('refuses %j and names %s without echoing the value', (raw, name) => {
    let error: unknown;
    try {
      validateEnvironment(raw);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidEnvironmentError);
    const message = (error as Error).message;
    expect(message).toContain(name);
    expect(message).not.toContain(Object.values(raw)[0]);
  });

  it('the app refuses to start on a bad value', async () => {
    await expect(createApp({ env: { PORT: 'x' } })).rejects.toThrow(/PORT/);
  });
});
