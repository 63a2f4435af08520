import { AppConfig } from '../../src/config/app-config.js';
import { loadEnvironment } from '../../src/config/load-environment.js';
import { loggerOptions } from '../../src/common/http/logger.options.js';

describe('loggerOptions', () => {
  const forLevel = (level: string) => loggerOptions(new AppConfig(loadEnvironment({ LOG_LEVEL: level })));

  it('mounts the request-logging middleware where its request lines can be seen', () => {
    for (const level of ['trace', 'debug', 'info']) expect(forLevel(level).forRoutes).toHaveLength(1);
  });

  it('leaves it off the request path when the level hides request lines', () => {
    for (const level of ['warn', 'error', 'fatal', 'silent']) expect(forLevel(level).forRoutes).toEqual([]);
  });
});
