/**
 * `npm run bench:sync` — directory sync against generated directories of 10,000 and 100,000 people in a private
 * slapd (loaded offline with slapadd), on embedded PGlite (a data directory, as `npm start` runs it) and on a
 * private PostgreSQL. For each: a full first sync into an empty staff table, then a no-change resync, each as the
 * worker runs it (run row, job handler: streamed paged read + plan, the employees loading while the read starts, one
 * apply transaction).
 *
 * The floor, measured side by side in the same run: `ldapsearch -x -H … -D <service dn> -y <password file> -b …
 * -E pr=1000/noprompt '(objectClass=inetOrgPerson)' > /dev/null` (median of 3; -y instead of -w keeps the password
 * out of the process list). Targets (issue 5): 100,000-entry full sync ≤ 5× the floor, no-change resync ≤ 2×.
 * Also printed: the reader alone (no database) — what the streamed read costs before any Varco work — the run's
 * own phase timings (job result) and peak RSS / heap sampled every 50 ms during each run.
 * Responsiveness (issue 5, PGlite): while each run works, a probe sends `select 1` through the same database every
 * 100 ms, as the in-process API of `npm start` would, and the longest wait is printed with the longest event-loop
 * stall. With PGlite the apply transaction holds the only connection: that wait is what a console user feels.
 * Run with the worker's V8 flags (`--max-semi-space-size=32`, see ops/bin/varco.mjs): `npm run bench:sync` does.
 *
 * Every server is started here and stopped in `finally` (and on SIGINT/SIGTERM). Timings are wall clock on a
 * shared machine: compare ratios within one run, never single numbers across runs.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { getSyncRun, migrateDatabase, openDatabase, startSyncRun, SYSTEM_ACTOR, type Database } from '@varco/db';
import { createMailer, type TDirectorySyncSettings } from '@varco/workers';
import { readDirectory } from '../../workers/src/directory/read-directory.js';
import { handleSyncDirectory } from '../../workers/src/jobs/directory/sync-directory.handler.js';
import type { TSyncOutcome } from '../../workers/src/jobs/directory/run-directory-sync.js';
import { generateDirectory } from '../src/testing/directory-fixture.js';
import { seedSyncReferenceData, syncSettingsFor } from '../src/testing/directory-sync-fixture.js';
import { startPostgres, type PostgresServer } from '../src/testing/postgres.js';
import { startSlapd, type TSlapd } from '../src/testing/slapd.js';

const SIZES = (process.env.BENCH_SYNC_SIZES ?? '10000,100000').split(',').map(Number);
const TARGETS = { full: 5, resync: 2 } as const;
const MB = 1024 * 1024;

interface TRow {
  entries: number;
  db: string;
  phase: string;
  seconds: number;
  floorSeconds: number;
  rssStartMb: number;
  rssMb: number;
  heapMb: number;
  /** Longest wait of a probe query sent while the run worked, and the longest event-loop stall (ms). */
  probeMs: number;
  stallMs: number;
  timings: string;
}

const cleanups: (() => Promise<unknown>)[] = [];
async function cleanup() {
  for (const stop of cleanups.splice(0).reverse()) await stop().catch((err: Error) => console.error('cleanup:', err.message));
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void cleanup().then(() => process.exit(130)));
}

function sh(command: string): Promise<void> {
  return new Promise((resolve, reject) => execFile('sh', ['-c', command], { maxBuffer: 1 << 20 }, (err) => (err ? reject(err) : resolve())));
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; seconds: number; rssStartMb: number; rssMb: number; heapMb: number }> {
  const rssStart = process.memoryUsage.rss();
  let rss = rssStart;
  let heap = process.memoryUsage().heapUsed;
  const sampler = setInterval(() => {
    rss = Math.max(rss, process.memoryUsage.rss());
    heap = Math.max(heap, process.memoryUsage().heapUsed);
  }, 50);
  const started = performance.now();
  try {
    const result = await work();
    return { result, seconds: (performance.now() - started) / 1000, rssStartMb: rssStart / MB, rssMb: rss / MB, heapMb: heap / MB };
  } finally {
    clearInterval(sampler);
  }
}

/** The floor: ldapsearch paging through every person to /dev/null, median of 3. */
/** Sends `select 1` every 100 ms while `work` runs; returns the longest wait and the longest event-loop stall. */
async function probed<T>(database: Database, work: () => Promise<T>): Promise<{ result: T; probeMs: number; stallMs: number }> {
  let probeMs = 0;
  let stallMs = 0;
  let running = true;
  let last = performance.now();
  const lag = setInterval(() => {
    const now = performance.now();
    stallMs = Math.max(stallMs, now - last - 20);
    last = now;
  }, 20);
  const probe = (async () => {
    while (running) {
      const sent = performance.now();
      await database.db.execute(sql`select 1`);
      probeMs = Math.max(probeMs, performance.now() - sent);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  let result: T;
  try {
    result = await work();
  } finally {
    stallMs = Math.max(stallMs, performance.now() - last - 20); // a stall that lasted to the end of the run
    running = false;
    clearInterval(lag);
    await probe; // a probe still waiting (for the apply transaction) counts too
  }
  return { result, probeMs, stallMs };
}

async function ldapsearchSeconds(slapd: TSlapd, dir: string): Promise<number> {
  const passwordFile = join(dir, 'service-password');
  await writeFile(passwordFile, slapd.servicePassword, { mode: 0o600 });
  const command = `ldapsearch -x -H ${slapd.url} -D '${slapd.serviceDn}' -y ${passwordFile} -b '${slapd.peopleDn}' -E pr=1000/noprompt '(objectClass=inetOrgPerson)' > /dev/null`;
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) runs.push((await timed(() => sh(command))).seconds);
  return median(runs);
}

async function readerSeconds(settings: TDirectorySyncSettings, expected: number): Promise<number> {
  const { result: count, seconds } = await timed(async () => {
    let read = 0;
    for await (const record of readDirectory(settings.config)) if (record) read += 1;
    return read;
  });
  if (count !== expected) throw new Error(`the reader saw ${count} of ${expected} entries`);
  return seconds;
}

async function syncOnce(database: Database, settings: TDirectorySyncSettings) {
  const run = await startSyncRun(database.db, { mode: 'full', dryRun: false, trigger: 'manual', actor: SYSTEM_ACTOR });
  const outcome = (await handleSyncDirectory(
    { runId: run.id },
    { db: database.db, jobId: `bench-${run.id}`, attemptsMade: 0, progress: async () => {}, mailer: createMailer(null), publicUrl: null, directorySync: settings },
  )) as TSyncOutcome;
  const finished = (await getSyncRun(database.db, { id: run.id }))!;
  if (finished.status !== 'succeeded' || outcome.outcome !== 'succeeded') throw new Error(`run ${run.id} ended ${finished.status}: ${finished.failure ?? ''}`);
  return outcome;
}

async function openBenchDatabase(kind: 'pglite' | 'postgres', dir: string, postgres: PostgresServer): Promise<Database> {
  let database: Database;
  if (kind === 'pglite') {
    database = await openDatabase({ dataDir: await mkdtemp(join(dir, 'pglite-')) });
  } else {
    const name = `bench_${Math.random().toString(36).slice(2, 10)}`;
    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = new URL(postgres.url);
    url.pathname = `/${name}`;
    database = await openDatabase({ url: url.toString() });
  }
  await migrateDatabase(database);
  await seedSyncReferenceData(database.db);
  return database;
}

/** The generated people go out of scope here: the worker never holds the directory, nor does the bench. */
async function startDirectory(entries: number) {
  const { people, groups } = generateDirectory(entries, { seed: 2024 });
  const slapd = await startSlapd({ people, groups, flavour: 'openldap' });
  return { slapd, active: people.filter((p) => !p.disabled).length };
}

async function benchSize(entries: number, dir: string, postgres: PostgresServer, rows: TRow[]) {
  const { slapd, active } = await startDirectory(entries);
  cleanups.push(() => slapd.stop());
  // Pages of 1000, like the floor's `-E pr=1000` (the product default is 500: see the report for both).
  const pageSize = Number(process.env.BENCH_SYNC_PAGE_SIZE ?? 1000);
  const settings = syncSettingsFor(slapd, { pageSize, timeoutMs: 30_000 }, { limits: { maxDisablePercent: 5, maxDisableCount: 50 } });
  const floorSeconds = await ldapsearchSeconds(slapd, dir);
  const reader = await readerSeconds(settings, entries);
  rows.push({ entries, db: '—', phase: 'reader only', seconds: reader, floorSeconds, rssStartMb: 0, rssMb: 0, heapMb: 0, probeMs: 0, stallMs: 0, timings: '' });
  // PostgreSQL first: PGlite's WASM memory, once grown, stays in this process's RSS.
  for (const kind of ['postgres', 'pglite'] as const) {
    const database = await openBenchDatabase(kind, dir, postgres);
    try {
      for (const phase of ['full', 'resync'] as const) {
        const { result: measured, probeMs, stallMs } = await probed(database, () => timed(() => syncOnce(database, settings)));
        const counts = measured.result.outcome === 'succeeded' ? measured.result.counts : {};
        const expected = phase === 'full' ? { created: active } : { unchanged: active, created: 0, updated: 0 };
        for (const [key, value] of Object.entries(expected)) {
          if (counts[key] !== value) throw new Error(`${kind} ${phase}: ${key} = ${counts[key]}, expected ${value}`);
        }
        const t = 'timingsMs' in measured.result ? measured.result.timingsMs : null;
        const timings = t ? `state ${(t.stateMs / 1000).toFixed(1)} ∥ read/plan ${(t.readMs / 1000).toFixed(1)} + apply ${(t.applyMs / 1000).toFixed(1)}` : '';
        rows.push({ entries, db: kind, phase, seconds: measured.seconds, floorSeconds, rssStartMb: measured.rssStartMb, rssMb: measured.rssMb, heapMb: measured.heapMb, probeMs, stallMs, timings });
      }
    } finally {
      await database.close();
    }
  }
  await slapd.stop();
  cleanups.pop();
}

function printTable(rows: TRow[]) {
  const header = ['entries', 'database', 'run', 'seconds', 'entries/s', 'ldapsearch s', 'ratio', 'target', 'RSS MB start → peak', 'peak heap MB', 'longest query wait / loop stall (ms)', 'where the time goes (s)'];
  const lines = rows.map((row) => {
    const ratio = row.seconds / row.floorSeconds;
    const target = row.phase === 'full' ? TARGETS.full : row.phase === 'resync' ? TARGETS.resync : null;
    const verdict = target === null || row.entries < 100_000 ? (target === null ? '' : `(≤ ${target}×)`) : ratio <= target ? `≤ ${target}× met` : `≤ ${target}× MISSED`;
    return [
      row.entries.toLocaleString('en'), row.db, row.phase, row.seconds.toFixed(2), Math.round(row.entries / row.seconds).toLocaleString('en'),
      row.floorSeconds.toFixed(2), `${ratio.toFixed(1)}×`, verdict, row.rssMb ? `${row.rssStartMb.toFixed(0)} → ${row.rssMb.toFixed(0)}` : '', row.heapMb ? row.heapMb.toFixed(0) : '',
      row.probeMs ? `${row.probeMs.toFixed(0)} / ${row.stallMs.toFixed(0)}` : '', row.timings,
    ];
  });
  console.log(`| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
  for (const line of lines) console.log(`| ${line.join(' | ')} |`);
}

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'varco-bench-sync-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const postgres = await startPostgres();
  cleanups.push(() => postgres.stop());
  const rows: TRow[] = [];
  const started = performance.now();
  try {
    for (const entries of SIZES) {
      console.log(`… ${entries.toLocaleString('en')} entries`);
      await benchSize(entries, dir, postgres, rows);
    }
  } finally {
    await cleanup();
  }
  const flags = process.execArgv.filter((arg) => arg.startsWith('--max-'));
  console.log(`\nDirectory sync benchmark (${process.version}${flags.length ? ` ${flags.join(' ')}` : ''}, ${((performance.now() - started) / 1000).toFixed(0)} s in all)\n`);
  printTable(rows);
}

await main();
