import { AppConfig } from '../../src/config/app-config.js';
import { loadEnvironment } from '../../src/config/load-environment.js';
import { loggerOptions, redactQueryValues } from '../../src/common/http/logger.options.js';

describe('loggerOptions', () => {
  const forLevel = (level: string) => loggerOptions(new AppConfig(loadEnvironment({ LOG_LEVEL: level })));

  it('mounts the request-logging middleware where its request lines can be seen', () => {
    for (const level of ['trace', 'debug', 'info']) expect(forLevel(level).forRoutes).toHaveLength(1);
  });

  it('leaves it off the request path when the level hides request lines', () => {
    for (const level of ['warn', 'error', 'fatal', 'silent']) expect(forLevel(level).forRoutes).toEqual([]);
  });

  it('keeps query parameter names in a logged URL, never their values', () => {
    expect(redactQueryValues('/v1/tenant?key=wrk_abc_secret&limit=5&bare')).toBe('/v1/tenant?key=[REDACTED]&limit=[REDACTED]&[REDACTED]');
    expect(redactQueryValues('/v1/tenant')).toBe('/v1/tenant');
    expect(redactQueryValues('/v1/tenant?')).toBe('/v1/tenant?');
  });
});
