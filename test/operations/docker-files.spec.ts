import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, normalize, posix, resolve } from 'node:path';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import { load } from 'js-yaml';
import { validateEnvironment } from '../../src/config/load-environment.js';
import { ConnectSimulator } from '../../src/connect-simulator/connect-simulator.js';
import { parseSimulatorArgs } from '../../src/connect-simulator/simulator-cli.util.js';
import { HealthController } from '../../src/health/health.controller.js';
import { parseStartScript } from '../../bench/lib/start-script.js';
import { compiledBuild, ROOT } from './support/compiled-build.js';
import { environmentVariables } from './support/environment-variables.js';

/**
 * No Docker engine runs on the development and CI machines, so the Dockerfile and docker-compose.yml are never
 * built or run there. These checks keep them valid and in step with the code instead.
 */

interface ComposeHealthcheck {
  test: string[] | string;
  interval?: string;
  timeout?: string;
  retries?: number;
}
interface ComposeService {
  image?: string;
  build?: string | { context: string };
  command?: string[];
  environment?: Record<string, string | number | boolean>;
  ports?: string[];
  volumes?: string[];
  healthcheck?: ComposeHealthcheck;
  depends_on?: Record<string, { condition: string }>;
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

const SCHEMA_VARIABLES = new Set(environmentVariables().map((variable) => variable.name));
const startScript = () => parseStartScript((JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts.start);
/** Values for the variables compose takes from the operator's shell (`${NAME:?message}`). */
const SHELL_SAMPLES: Record<string, string> = {
  PLATFORM_API_KEY: randomBytes(24).toString('base64url'),
  ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
};
const SIMULATOR_VARIABLES = new Set(['SIMULATOR_PORT', 'SIMULATOR_SEED']);

const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const compose = load(read('docker-compose.yml')) as ComposeFile;
const services = compose.services;

/** Replaces `${NAME}`, `${NAME:?msg}`, `${NAME:-default}` as compose does, from SHELL_SAMPLES. */
function interpolate(value: string): string {
  return value.replace(/\$\{([A-Z0-9_]+)(?::?[?-][^}]*)?\}/g, (_, name: string) => {
    if (!(name in SHELL_SAMPLES)) throw new Error(`docker-compose.yml takes ${name} from the shell: add a sample to SHELL_SAMPLES`);
    return SHELL_SAMPLES[name];
  });
}

function environmentOf(service: ComposeService): Record<string, string> {
  return Object.fromEntries(Object.entries(service.environment ?? {}).map(([key, value]) => [key, interpolate(String(value))]));
}

/** The URL a `node -e "fetch('http://...')"` or curl health check asks for. */
function healthcheckUrl(check: ComposeHealthcheck | string): URL {
  const text = typeof check === 'string' ? check : Array.isArray(check.test) ? check.test.join(' ') : check.test;
  // The Dockerfile's check reads PORT at run time: `'http://127.0.0.1:'+(process.env.PORT||3000)+'/health/ready'`.
  const url = /https?:\/\/[^'"\s)]+/.exec(text.replace(/'\+\(process\.env\.PORT\|\|(\d+)\)\+'/, '$1'))?.[0];
  if (!url) throw new Error(`no URL in health check: ${text}`);
  return new URL(url);
}

/** Container port of a "host:container" mapping. */
const containerPort = (mapping: string) => Number(mapping.split(':').pop());

function healthRoutes(): string[] {
  const base = Reflect.getMetadata(PATH_METADATA, HealthController) as string;
  return (['live', 'ready'] as const).map((method) => `/${base}/${Reflect.getMetadata(PATH_METADATA, HealthController.prototype[method]) as string}`);
}

describe('docker-compose.yml', () => {
  it('runs Postgres, Redis, the Connect simulator and the service, each with a health check', () => {
    expect(Object.keys(services).sort()).toEqual(['connect-simulator', 'postgres', 'redis', 'service']);
    for (const [name, service] of Object.entries(services)) {
      expect([name, Boolean(service.image) !== Boolean(service.build)]).toEqual([name, true]);
      const check = service.healthcheck;
      expect([name, check?.test?.length ?? 0]).not.toEqual([name, 0]);
      expect([name, check?.interval, check?.timeout]).toEqual([name, expect.stringMatching(/^\d+s$/), expect.stringMatching(/^\d+s$/)]);
      expect([name, check?.retries]).toEqual([name, expect.any(Number)]);
    }
    expect(services.postgres.image).toMatch(/^postgres:/);
    expect(services.redis.image).toMatch(/^redis:/);
    expect(services.service.build).toBe('.');
    expect(services['connect-simulator'].build).toBe('.');
  });

  it('starts the service only once its dependencies are healthy', () => {
    expect(services.service.depends_on).toEqual({
      postgres: { condition: 'service_healthy' },
      redis: { condition: 'service_healthy' },
      'connect-simulator': { condition: 'service_healthy' },
    });
  });

  it('gives the service only variables of EnvironmentSchema, with values it accepts in production', () => {
    const env = environmentOf(services.service);
    expect(Object.keys(env).filter((name) => !SCHEMA_VARIABLES.has(name))).toEqual([]);
    expect(env.NODE_ENV).toBe('production');
    const validated = validateEnvironment(env);
    expect(validated.DATABASE_URL).toBeDefined();
    expect(validated.ENCRYPTION_KEYS).toBeDefined();
  });

  it('points the service at the compose Postgres and Redis', () => {
    const env = environmentOf(services.service);
    const database = new URL(env.DATABASE_URL);
    const postgres = environmentOf(services.postgres);
    expect({ host: database.hostname, user: database.username, password: database.password, db: database.pathname.slice(1) }).toEqual({
      host: 'postgres',
      user: postgres.POSTGRES_USER,
      password: postgres.POSTGRES_PASSWORD,
      db: postgres.POSTGRES_DB,
    });
    expect(new URL(env.REDIS_URL).hostname).toBe('redis');
    expect(services.postgres.volumes?.map((volume) => volume.split(':')[0])).toEqual(['pgdata']);
    expect(Object.keys(compose.volumes ?? {})).toEqual(['pgdata']);
  });

  it('publishes and health-checks the ports the processes listen on', () => {
    const servicePort = Number(environmentOf(services.service).PORT);
    expect(services.service.ports?.map(containerPort)).toEqual([servicePort]);
    const serviceCheck = healthcheckUrl(services.service.healthcheck!);
    expect(Number(serviceCheck.port)).toBe(servicePort);
    expect(healthRoutes()).toContain(serviceCheck.pathname);

    const simulator = services['connect-simulator'];
    const { options } = parseSimulatorArgs(simulator.command!.slice(2), environmentOf(simulator));
    expect(options).toMatchObject({ port: 8080, host: '0.0.0.0' });
    expect(simulator.ports?.map(containerPort)).toEqual([options.port]);
    expect(Number(healthcheckUrl(simulator.healthcheck!).port)).toBe(options.port);
    expect(Object.keys(simulator.environment ?? {}).filter((name) => !SIMULATOR_VARIABLES.has(name))).toEqual([]);
  });

  it("health-checks the simulator on a route it answers", async () => {
    const simulator = await ConnectSimulator.start({ port: 0 });
    try {
      const res = await fetch(`${simulator.url}${healthcheckUrl(services['connect-simulator'].healthcheck!).pathname}`);
      expect(res.status).toBe(200);
    } finally {
      await simulator.stop();
    }
  });
});

interface Stage {
  from: string;
  name?: string;
  instructions: { keyword: string; args: string }[];
}

/** Dockerfile instructions per stage (continuation lines joined, comments dropped). */
function parseDockerfile(text: string): Stage[] {
  const lines = text.replace(/\\\n/g, ' ').split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));
  const stages: Stage[] = [];
  for (const line of lines) {
    const [, keyword, args] = /^(\S+)\s*(.*)$/.exec(line)!;
    if (keyword.toUpperCase() === 'FROM') {
      const [, from, name] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args)!;
      stages.push({ from, name, instructions: [] });
    } else {
      stages.at(-1)!.instructions.push({ keyword: keyword.toUpperCase(), args });
    }
  }
  return stages;
}

const argsOf = (stage: Stage, keyword: string) => stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);

/** Bare package names a compiled file imports (node: and built-in modules excluded), and the files it imports. */
function importsOf(file: string): { packages: string[]; files: string[] } {
  const source = readFileSync(file, 'utf8');
  const specifiers = [...source.matchAll(/(?:^|[;\s])(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|^import\s+['"]([^'"]+)['"]/gm)].map(
    (m) => m[1] ?? m[2] ?? m[3],
  );
  const packages: string[] = [];
  const files: string[] = [];
  for (const specifier of specifiers) {
    if (specifier.startsWith('.')) files.push(resolve(dirname(file), specifier));
    else if (!isBuiltin(specifier)) packages.push(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]);
  }
  return { packages, files };
}

/** Every package reachable by static or dynamic import from `entry`, with the file that imports it. */
function packagesReachableFrom(entry: string): Map<string, string> {
  const seen = new Set<string>();
  const packages = new Map<string, string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    if (!existsSync(file)) throw new Error(`${file} is imported but was not built`);
    const found = importsOf(file);
    for (const name of found.packages) if (!packages.has(name)) packages.set(name, file);
    queue.push(...found.files);
  }
  return packages;
}

describe('Dockerfile', () => {
  const stages = parseDockerfile(read('Dockerfile'));
  const build = stages[0];
  const runtime = stages.at(-1)!;
  const tsconfigBuild = JSON.parse(read('tsconfig.build.json')) as { include: string[] };
  const tsconfig = JSON.parse(read('tsconfig.json')) as { compilerOptions: { outDir: string; rootDir: string } };

  it('is multi-stage: the runtime stage takes node_modules and dist from the build stage, without dev dependencies', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(build.name).toBeDefined();
    expect(runtime.from).toBe(build.from);
    const copies = argsOf(runtime, 'COPY');
    expect(copies).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`--from=${build.name}\\b.*node_modules`)), expect.stringMatching(new RegExp(`--from=${build.name}\\b.*dist`))]));
    expect(argsOf(build, 'RUN').join(' && ')).toMatch(/npm ci\b[\s\S]*npm run build[\s\S]*npm prune --omit=dev/);
    expect(argsOf(runtime, 'ENV').join(' ')).toMatch(/\bNODE_ENV=production\b/);
  });

  it('runs as a non-root user, with a health check on /health/ready', () => {
    const users = argsOf(runtime, 'USER');
    expect(users).toHaveLength(1);
    expect(users[0]).not.toMatch(/^(root|0)(:|$)/);
    const keywords = runtime.instructions.map((i) => i.keyword);
    expect(keywords.indexOf('USER')).toBeLessThan(keywords.indexOf('CMD'));
    const [healthcheck] = argsOf(runtime, 'HEALTHCHECK');
    expect(healthcheck).toMatch(/--interval=\d+s/);
    const url = healthcheckUrl(healthcheck);
    expect(url.pathname).toBe('/health/ready');
    expect(healthRoutes()).toContain(url.pathname);
    const port = /\bPORT=(\d+)/.exec(argsOf(runtime, 'ENV').join(' '))?.[1];
    expect(url.port).toBe(port);
    expect(argsOf(runtime, 'EXPOSE')).toEqual([port]);
  });

  it('sets only variables of EnvironmentSchema, and those `npm start` sets for the C library, with its values', () => {
    const set = new Map(argsOf(runtime, 'ENV').flatMap((args) => [...args.matchAll(/(\w+)=(\S*)/g)].map((m) => [m[1], m[2]] as const)));
    const processEnv = startScript().env;
    expect(set.size).toBeGreaterThan(0);
    expect([...set.keys()].filter((name) => !SCHEMA_VARIABLES.has(name) && !(name in processEnv))).toEqual([]);
    for (const [name, value] of Object.entries(processEnv)) expect([name, set.get(name)]).toEqual([name, value]);
  });

  it('copies everything tsconfig.build.json compiles, and .dockerignore keeps none of it out', () => {
    const copied = argsOf(build, 'COPY').flatMap((args) => args.split(/\s+/).slice(0, -1)).map((path) => normalize(path).replace(/\/$/, ''));
    for (const file of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', ...tsconfigBuild.include]) {
      expect([file, copied.includes(file)]).toEqual([file, true]);
      expect([file, existsSync(join(ROOT, file))]).toEqual([file, true]);
    }
    const ignored = read('.dockerignore').split('\n').map((line) => line.trim()).filter(Boolean);
    for (const path of copied) expect([path, ignored.includes(path)]).toEqual([path, false]);
  });

  it('CMD runs a file `npm run build` produces, and that file needs production dependencies only', async () => {
    const built = await compiledBuild();
    const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string> };
    const [cmd] = argsOf(runtime, 'CMD');
    const [node, ...args] = JSON.parse(cmd) as string[];
    const entry = args.at(-1)!;
    expect(node).toBe('node');
    // The container runs the service exactly as `npm start` does (same V8 heap settings, see README "Performance").
    const start = startScript();
    expect([node, ...args]).toEqual([start.node, ...start.nodeFlags, start.entry]);
    // dist/ is tsconfig's outDir; the test build put the same tree under `built`.
    const outDir = posix.normalize(tsconfig.compilerOptions.outDir);
    const simulatorCommand = services['connect-simulator'].command!;
    for (const path of [entry, simulatorCommand[1]]) {
      expect(path.startsWith(`${outDir}/`)).toBe(true);
      const file = join(built, path.slice(outDir.length + 1));
      expect([path, existsSync(file)]).toEqual([path, true]);
      const notProduction = [...packagesReachableFrom(file)].filter(([name]) => !(name in pkg.dependencies));
      expect([path, notProduction]).toEqual([path, []]);
    }
  }, 300_000);
});
