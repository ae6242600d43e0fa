/**
 * The first step of `npm test`: the suites need a PostgreSQL (TEST_DATABASE_URL, else
 * 127.0.0.1:5432) and a Redis (REDIS_URL, else 127.0.0.1:6379). A local Redis that is not running is
 * started from PATH the way `npm start` does (infra/local/redis.ts); anything still missing stops the
 * run within seconds with one message that names it and says how to install and start it, instead of
 * hundreds of tests failing one by one.
 */
import type { ChildProcess } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { ensureRedis, portAnswers, redisServerOnPath } from '../infra/local/redis.js';

/** The admin database the Postgres fixtures connect to (as in @frontload/testing). */
export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface PreflightOptions {
  /** TEST_DATABASE_URL, or the default local trust-auth Postgres. */
  postgresUrl: string;
  /** REDIS_URL when set: then it is only checked, never started. */
  redisUrl?: string;
  /** Port of the local Redis to find or start when `redisUrl` is unset. */
  localRedisPort?: number;
  /** Where a Redis started here keeps its data (`<dataDir>/redis`). */
  dataDir: string;
}

export interface PreflightResult {
  ok: boolean;
  /** What to print: the one message about what is missing, or what was started. */
  message: string;
  /** The redis-server started here, if one was. */
  startedRedis?: ChildProcess;
}

/** host and port of a postgres:// or redis:// URL, with the scheme's default port. */
function endpoint(url: string, defaultPort: number): { host: string; port: number } {
  const parsed = new URL(url);
  const host = parsed.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
  return { host, port: parsed.port ? Number(parsed.port) : defaultPort };
}

const INSTALL_HELP = `Install and start them, on Debian or Ubuntu:
  sudo apt-get install postgresql redis-server
  sudo pg_ctlcluster "$(ls /etc/postgresql)" main start
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379
on macOS (Homebrew):
  brew install postgresql redis && brew services start postgresql && brew services start redis
The tests connect to PostgreSQL as user "postgres" without a password (trust authentication for
127.0.0.1 in pg_hba.conf). To use servers elsewhere, set TEST_DATABASE_URL (an admin database URL,
e.g. postgres://postgres@host:5432/postgres) and REDIS_URL (e.g. redis://host:6379).`;

/** Checks both servers (starting a local Redis when it can) and says what is missing, all at once. */
export async function preflight(options: PreflightOptions): Promise<PreflightResult> {
  const missing: string[] = [];
  const pg = endpoint(options.postgresUrl, 5432);
  if (!(await portAnswers(pg.host, pg.port)))
    missing.push(`PostgreSQL at ${pg.host}:${pg.port} (TEST_DATABASE_URL) does not answer`);

  let startedRedis: ChildProcess | undefined;
  if (options.redisUrl) {
    const redis = endpoint(options.redisUrl, 6379);
    if (!(await portAnswers(redis.host, redis.port)))
      missing.push(`Redis at ${redis.host}:${redis.port} (REDIS_URL) does not answer`);
  } else {
    const port = options.localRedisPort ?? 6379;
    if (!(await portAnswers('127.0.0.1', port))) {
      if (!redisServerOnPath())
        missing.push(`Redis at 127.0.0.1:${port} does not answer, and there is no redis-server on PATH`);
      else if (missing.length > 0)
        missing.push(
          `Redis at 127.0.0.1:${port} does not answer (npm test starts redis-server from PATH once PostgreSQL answers)`,
        );
      else {
        try {
          startedRedis = (await ensureRedis(undefined, options.dataDir, port)).child;
        } catch (error) {
          missing.push(`Redis at 127.0.0.1:${port} does not answer: ${(error as Error).message}`);
        }
      }
    }
  }

  if (missing.length > 0) {
    startedRedis?.kill('SIGTERM');
    const list = missing.map((m) => `  - ${m}`).join('\n');
    return { ok: false, message: `npm test needs PostgreSQL and Redis:\n${list}\n${INSTALL_HELP}` };
  }
  return {
    ok: true,
    message: startedRedis
      ? `preflight: started redis-server on 127.0.0.1:${options.localRedisPort ?? 6379} (data under ${options.dataDir}/redis; it keeps running)`
      : '',
    startedRedis,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await preflight({
    postgresUrl: process.env.TEST_DATABASE_URL || DEFAULT_TEST_DATABASE_URL,
    redisUrl: process.env.REDIS_URL || undefined,
    dataDir: process.env.DATA_DIR || '.data',
  });
  if (!result.ok) {
    console.error(result.message);
    process.exit(1);
  }
  if (result.message) console.log(result.message);
  // A Redis started here serves the test run that follows: let this process end without it.
  result.startedRedis?.unref();
}
