import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './free-port.js';
import { logTail, stopChild, waitUntil } from './redis.js';

export interface PostgresServer {
  /** Superuser URL of the `postgres` database (trust auth: tests only). */
  url: string;
  port: number;
  stop(): Promise<void>;
}

const ATTEMPTS = 5;
// Unix socket paths are limited to 107 bytes: "<dir>/.s.PGSQL.65535" must fit.
const MAX_SOCKET_PATH = 107;

/**
 * A throw-away PostgreSQL cluster in a temp dir on a free loopback port, tuned for speed (no fsync).
 * As root it runs as the `postgres` user through setpriv, which exec's, so the child PID is the postmaster's.
 */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBinDir();
  const dir = await mkdtemp(join(shortTmpBase(), 'vpg-'));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    const owner = await prepareOwner(dir);
    runChecked(owner.wrap(join(bin, 'initdb'), initdbArgs(dir)), dir, 'initdb');
    return await startOnFreePort(bin, dir, owner, cleanup);
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/** Creates database `name` (validated) and returns its URL, derived from `adminUrl`. */
export async function createDatabase(adminUrl: string, name: string): Promise<string> {
  if (!/^[a-z0-9_]+$/.test(name) || name.length > 63) {
    throw new Error(`invalid database name ${JSON.stringify(name)}: use 1-63 characters from [a-z0-9_]`);
  }
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`create database "${name}"`); // identifiers cannot be bound; the name is validated above
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

interface Owner {
  wrap(cmd: string, args: string[]): [string, string[]];
}

/** initdb and postgres refuse to run as root: hand the dir to `postgres` and drop privileges with setpriv. */
async function prepareOwner(dir: string): Promise<Owner> {
  if (process.getuid?.() !== 0) return { wrap: (cmd, args) => [cmd, args] };
  const pgUser = lookupUser('postgres');
  await chown(dir, pgUser.uid, pgUser.gid);
  const asPostgres = ['--reuid=postgres', '--regid=postgres', '--init-groups'];
  return { wrap: (cmd, args) => ['setpriv', [...asPostgres, cmd, ...args]] };
}

function lookupUser(name: string): { uid: number; gid: number } {
  const res = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
  if (res.status !== 0 || gid.status !== 0) {
    throw new Error(`user "${name}" does not exist: install the postgresql package (apt-get install postgresql).`);
  }
  return { uid: Number(res.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

function postgresBinDir(): string {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).sort((a, b) => Number(b) - Number(a)) : [];
  const dir = versions.map((v) => join(base, v, 'bin')).find((d) => existsSync(join(d, 'postgres')));
  if (!dir) throw new Error('PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/postgres): apt-get install postgresql.');
  return dir;
}

function shortTmpBase(): string {
  const base = tmpdir();
  // mkdtemp adds 6 characters after "vpg-".
  return `${base}/vpg-XXXXXX/.s.PGSQL.65535`.length <= MAX_SOCKET_PATH ? base : '/tmp';
}

function initdbArgs(dir: string): string[] {
  return ['-D', join(dir, 'data'), '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C.UTF-8', '-N'];
}

function serverArgs(dir: string, port: number): string[] {
  const settings = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: dir,
    fsync: 'off',
    full_page_writes: 'off',
    synchronous_commit: 'off',
    max_connections: '200', // parallel test files each open pools against their own databases
  };
  const flags = Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
  return ['-D', join(dir, 'data'), '-p', String(port), ...flags];
}

function runChecked([cmd, args]: [string, string[]], cwd: string, what: string): void {
  const res = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  if (res.status !== 0) {
    const how = res.error?.message ?? (res.signal ? `killed by ${res.signal}` : `exit ${res.status}`);
    throw new Error(`${what} failed (${how}):\n${res.stderr ?? ''}`.trimEnd());
  }
}

async function startOnFreePort(bin: string, dir: string, owner: Owner, cleanup: () => Promise<void>) {
  const logFile = join(dir, 'postgres.log');
  let why = '';
  // Port race as for redis: postgres exits at once with "could not bind"; retry on another port.
  for (let attempt = 1; attempt <= ATTEMPTS && !why.startsWith('not ready'); attempt++) {
    const port = await freePort();
    const [cmd, args] = owner.wrap(join(bin, 'postgres'), serverArgs(dir, port));
    const fd = openSync(logFile, 'a');
    // cwd = dir: postgres warns when it cannot chdir back into root's home.
    const child = spawn(cmd, args, { cwd: dir, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    if (await waitUntil(child, () => canQuery(url), 30_000)) return running(child, port, url, cleanup);
    why = child.exitCode === null && child.signalCode === null ? 'not ready within 30 s' : 'it exited at once';
    await stopChild(child, 'SIGINT');
  }
  throw new Error(`postgres did not start (${why}); its log ends with:\n${await logTail(logFile)}`);
}

async function canQuery(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  client.on('error', () => {}); // a connection dropped while starting up is just "not ready"
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

function running(child: ChildProcess, port: number, url: string, cleanup: () => Promise<void>): PostgresServer {
  // SIGINT = fast shutdown (SIGTERM waits for every client to disconnect). Also on a worker exiting early.
  const onExit = () => child.kill('SIGINT');
  process.once('exit', onExit);
  return {
    url,
    port,
    async stop() {
      process.off('exit', onExit);
      await stopChild(child, 'SIGINT');
      await cleanup();
    },
  };
}
