import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { schema, selectRows } from '@varco/db';
import { expect } from 'vitest';
import { fetchPublic, openssl, scratchDir } from '../../../api/src/routes/pki-testing.js';
import { ZCertificateBundle } from '../../../api/src/contract/pki.js';
import type { TTestApp, TTestSession } from '../../../api/src/testing.js';

/**
 * What the PKI robustness tests (worker killed, Redis restarted) share: the environment of a real worker process
 * for a test app on PostgreSQL, waiting on the database (not on the API, which would relay the outbox itself), and
 * the checks that a station ended with exactly one good certificate.
 */
export async function workerEnvironment(t: TTestApp, redisUrl: string): Promise<{ env: Record<string, string>; databaseUrl: string; remove(): Promise<void> }> {
  if (t.database.kind !== 'postgres' || !t.pki?.passphrase) throw new Error('a worker process needs the test app on PostgreSQL with PKI settings');
  const [current] = await selectRows<{ name: string }>(t.database.db, sql`select current_database() as name`);
  const url = new URL(process.env.TEST_DATABASE_URL!);
  url.pathname = `/${current!.name}`;
  const dir = await scratchDir('pki-worker-');
  const passphraseFile = join(dir.path, 'ca-passphrase');
  await writeFile(passphraseFile, `${t.pki.passphrase}\n`, { mode: 0o600 });
  const env = {
    DATABASE_URL: url.toString(),
    REDIS_URL: redisUrl,
    VARCO_REDIS_PREFIX: t.producer.prefix,
    VARCO_CA_PASSPHRASE_FILE: passphraseFile,
    VARCO_DATA_DIR: dir.path,
    // A dead worker's job is taken over after ~5–10 s instead of 30–60 s (the production default); not shorter, so
    // a live worker on this loaded 2-core machine always renews its lock in time.
    WORKER_STALLED_SECONDS: '5',
  };
  return { env, databaseUrl: url.toString(), remove: dir.remove };
}

/** Polls the database until none of `ids` is pending any more; the rows as they then are. */
export async function waitUntilSettled(t: TTestApp, ids: string[], timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await t.database.db.select().from(schema.certificates).where(inArray(schema.certificates.id, ids));
    if (rows.length === ids.length && rows.every((row) => row.status !== 'pending')) return rows;
    if (Date.now() > deadline) throw new Error(`still pending after ${timeoutMs} ms: ${rows.filter((row) => row.status === 'pending').map((row) => `${row.id} (${row.progress}%)`).join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The employee holds exactly one certificate: issued, one serial (in the row, the PEM and the single audit row),
 * verified by openssl against the CA, its one-time bundle downloadable once and opening with the password.
 */
export async function expectOneGoodCertificate(t: TTestApp, hotline: TTestSession, params: { employeeId: string; certificateId: string; oneTimePassword: string }) {
  const rows = await t.database.db.select().from(schema.certificates).where(eq(schema.certificates.employeeId, params.employeeId));
  expect(rows.map((row) => row.id)).toEqual([params.certificateId]);
  const row = rows[0]!;
  expect(row).toMatchObject({ status: 'issued', progress: 100, bundleOtpSealed: null, failure: null });
  expect(row.bundleP12).not.toBeNull();
  const audits = await t.database.db
    .select()
    .from(schema.auditLog)
    .where(and(eq(schema.auditLog.action, 'certificate.issue'), eq(schema.auditLog.targetId, row.id)));
  expect(audits.map((audit) => (audit.after as { serialHex: string }).serialHex)).toEqual([row.serialHex]);

  const dir = await scratchDir('pki-one-');
  try {
    const caFile = await fetchPublic(t, '/pki/ca.pem', dir.path, 'ca.pem');
    const certificateFile = join(dir.path, 'station.pem');
    await writeFile(certificateFile, row.certificatePem!);
    const verified = await openssl(['verify', '-x509_strict', '-purpose', 'sslclient', '-CAfile', caFile, certificateFile]);
    expect(verified.stdout + verified.stderr).toContain(': OK');
    const serial = await openssl(['x509', '-in', certificateFile, '-noout', '-serial']);
    expect(BigInt(`0x${serial.stdout.trim().replace(/^serial=/, '')}`)).toBe(BigInt(`0x${row.serialHex}`));

    const res = await t.call('POST', `/api/pki/certificates/${row.id}/bundle`, { session: hotline, body: {} });
    expect(res.status).toBe(200);
    const bundle = ZCertificateBundle.parse(await res.json());
    expect(bundle.certificatePem.trim()).toBe(row.certificatePem!.trim());
    const p12 = join(dir.path, 'station.p12');
    await writeFile(p12, Buffer.from(bundle.pkcs12Base64!, 'base64'));
    const opened = await openssl(['pkcs12', '-in', p12, '-passin', `pass:${params.oneTimePassword}`, '-nokeys', '-clcerts']);
    expect(opened.code, opened.stderr).toBe(0);
    expect(opened.stdout).toContain(row.certificatePem!.trim().split('\n')[1]!);
  } finally {
    await dir.remove();
  }
}
