import { createPrivateKey } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { schema } from '@varco/db';
import { testDatabaseKinds } from '@varco/db/testing';
import { createCa, openPrivateKey } from '@varco/workers/pki';
import { UnrecoverableError } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleCreateCa } from '../../../workers/src/jobs/pki/create-ca.handler.js';
import { createMailer } from '../../../workers/src/mail/mailer.js';
import { createApp } from '../app.js';
import { ZError } from '../contract/common.js';
import { ZCaJob, ZImportedCa, ZPkiStatus } from '../contract/pki.js';
import { silentLogger, startTestApp, TEST_CONFIG, type TTestApp, type TTestSession } from '../testing.js';
import { activeCa, relay } from './pki-testing.js';

const errorCode = async (res: Response) => ZError.parse(await res.json()).error.code;

/** A PEM block with an arbitrary body (here: not a key), written so that no key-shaped literal sits in the source. */
const pemBlock = (label: string, body: string) => `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;

describe.each(testDatabaseKinds())('CA from the console on %s: created by a worker, imported sealed, replacement confirmed', (kind) => {
  let t: TTestApp;
  let admin: TTestSession;

  beforeAll(async () => {
    t = await startTestApp({ kind, withWorkers: true, pki: { createCa: true } });
    admin = await t.login('admin');
  });
  afterAll(() => t?.close());

  async function waitForJob(jobId: string) {
    const deadline = Date.now() + 60_000;
    for (;;) {
      await relay(t);
      const job = ZCaJob.parse(await (await t.call('GET', `/api/pki/authorities/jobs/${jobId}`, { session: admin })).json());
      if (job.status === 'succeeded' || job.status === 'failed') return job;
      if (Date.now() > deadline) throw new Error(`CA job ${jobId} still ${job.status}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const outboxPayloads = async () => JSON.stringify(await t.database.db.select({ payload: schema.outbox.payload }).from(schema.outbox));

  it('refuses to replace the active CA unless its id is echoed; then a worker makes the new CA and its first CRL', async () => {
    const before = await activeCa(t);
    const body = { name: 'Comune di Prato — CA 2027', keyType: 'ec-p384', validityDays: 3650 };
    const unconfirmed = await t.call('POST', '/api/pki/authorities', { session: admin, body });
    expect(unconfirmed.status).toBe(409);
    expect(await errorCode(unconfirmed)).toBe('ca_replace_unconfirmed');
    const stale = await t.call('POST', '/api/pki/authorities', { session: admin, body: { ...body, replaceCaId: 'ca_0000000000000000' } });
    expect(await errorCode(stale)).toBe('ca_active_changed');
    expect((await activeCa(t)).id).toBe(before.id);

    const res = await t.call('POST', '/api/pki/authorities', { session: admin, body: { ...body, replaceCaId: before.id } });
    expect(res.status).toBe(202);
    const queued = ZCaJob.parse(await res.json());
    expect(queued).toMatchObject({ status: 'queued', progress: 0, caId: null });
    const done = await waitForJob(queued.jobId);
    expect(done).toMatchObject({ status: 'succeeded', progress: 100, error: null });

    const after = await activeCa(t);
    expect(after.id).toBe(done.caId);
    expect(after).toMatchObject({ name: body.name, keyType: 'ec-p384', imported: false });
    expect(after.sealedKeyPem).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
    const status = ZPkiStatus.parse(await (await t.call('GET', '/api/pki/status', { session: admin })).json());
    expect(status).toMatchObject({ ready: true, ca: { id: after.id }, crl: { crlNumber: '1' }, crlHealth: 'ok' });
    const audit = await t.database.db.select().from(schema.auditLog).where(eq(schema.auditLog.actorUsername, 'admin'));
    expect(audit.map((row) => row.action)).toEqual(expect.arrayContaining(['ca.create.request', 'ca.create']));
    expect(audit.find((row) => row.action === 'ca.create')!.targetId).toBe(after.id);
  });

  it('a creation job delivered again makes no second CA; a job for a CA that was replaced meanwhile makes none', async () => {
    const before = await activeCa(t);
    const payload = { name: 'CA doppia consegna', keyType: 'ec-p384' as const, validityDays: 3650, replacesCaId: before.id, requestedBy: { userId: null, username: 'admin', requestId: null } };
    const ctx = { db: t.database.db, jobId: 'obx_redelivered00000', attemptsMade: 0, progress: async () => {}, mailer: createMailer(null), publicUrl: null, directorySync: null, pki: t.pki };
    const first = (await handleCreateCa(payload, ctx)) as { caId: string };
    const again = (await handleCreateCa(payload, ctx)) as { caId: string; replayed: boolean };
    expect(again).toEqual({ caId: first.caId, replayed: true });
    expect((await t.database.db.select().from(schema.certificateAuthorities).where(eq(schema.certificateAuthorities.name, payload.name))).length).toBe(1);
    // Another job that confirmed replacing the CA that is now gone refuses instead of replacing the new one.
    await expect(handleCreateCa({ ...payload, name: 'CA in ritardo' }, { ...ctx, jobId: 'obx_latecomer0000000' })).rejects.toBeInstanceOf(UnrecoverableError);
    expect((await activeCa(t)).id).toBe(first.caId);
  });

  it('imports a CA with its key: each refusal has its own code and stores nothing; the key is stored only sealed', async () => {
    const current = await activeCa(t);
    const good = await createCa({ keyType: 'ec-p384', subject: { commonName: 'CA importata', organization: 'Comune', country: 'IT' }, validityDays: 1000 });
    const other = await createCa({ keyType: 'ec-p384', subject: { commonName: 'Altra', organization: 'Comune', country: 'IT' }, validityDays: 1000 });
    const expired = await createCa({ keyType: 'ec-p384', subject: { commonName: 'Scaduta', organization: 'Comune', country: 'IT' }, validityDays: 1, now: new Date(Date.now() - 5 * 86_400_000) });
    const cases: [Record<string, string>, string][] = [
      [{ certificatePem: 'not a pem', privateKeyPem: good.privateKeyPem }, 'ca_certificate_invalid'],
      [{ certificatePem: good.certificatePem, privateKeyPem: pemBlock('PRIVATE KEY', 'AAAA') }, 'ca_key_invalid'],
      [{ certificatePem: good.certificatePem, privateKeyPem: other.privateKeyPem }, 'ca_key_mismatch'],
      [{ certificatePem: expired.certificatePem, privateKeyPem: expired.privateKeyPem }, 'ca_expired'],
      [{ certificatePem: good.certificatePem, privateKeyPem: good.privateKeyPem, chainPem: other.certificatePem }, 'ca_chain_invalid'],
    ];
    for (const [body, code] of cases) {
      const res = await t.call('POST', '/api/pki/authorities/import', { session: admin, body: { ...body, replaceCaId: current.id } });
      expect(res.status, code).toBe(422);
      expect(await errorCode(res)).toBe(code);
    }
    expect((await activeCa(t)).id).toBe(current.id);

    const res = await t.call('POST', '/api/pki/authorities/import', { session: admin, body: { name: 'CA importata', certificatePem: good.certificatePem, privateKeyPem: good.privateKeyPem, replaceCaId: current.id } });
    expect(res.status).toBe(201);
    const imported = ZImportedCa.parse(await res.json());
    const row = await activeCa(t);
    expect(row).toMatchObject({ id: imported.caId, imported: true, keyType: 'ec-p384' });
    expect(row.sealedKeyPem).not.toContain(good.privateKeyPem.split('\n')[1]);
    const opened = await openPrivateKey(row.sealedKeyPem, t.pki!.passphrase!);
    expect(opened.export({ type: 'pkcs8', format: 'der' }).equals(createPrivateKey(good.privateKeyPem).export({ type: 'pkcs8', format: 'der' }))).toBe(true);
    // The key never travels through the queue: no payload holds it; the first CRL is a job of its own.
    expect(await outboxPayloads()).not.toMatch(/PRIVATE KEY/);
    await relay(t);
    const deadline = Date.now() + 30_000;
    while (!(await t.database.db.select().from(schema.crlState).where(eq(schema.crlState.caId, row.id))).length) {
      if (Date.now() > deadline) throw new Error('no CRL for the imported CA');
      await relay(t);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect((await t.call('GET', '/pki/ca.pem')).status).toBe(200);
  });

  it('with a missing or wrong passphrase: 503 saying why, nothing queued', async () => {
    const current = await activeCa(t);
    const outboxBefore = await t.database.db.select().from(schema.outbox);
    for (const [pki, message] of [
      [null, /VARCO_CA_PASSPHRASE_FILE/],
      [{ ...t.pki!, passphrase: 'not the passphrase' }, /passphrase does not open/],
    ] as const) {
      const app = createApp({ db: t.database.db, producer: t.producer, logger: silentLogger, config: { ...TEST_CONFIG, pki }, pingDatabase: async () => {} });
      const res = await app.request('http://varco.test/api/pki/authorities', {
        method: 'POST',
        headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrfToken, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'CA nuova', keyType: 'rsa-3072', validityDays: 3650, replaceCaId: current.id }),
      });
      const status = ZPkiStatus.parse(await (await app.request('http://varco.test/api/pki/status', { headers: { cookie: admin.cookie } })).json());
      expect(status.passphraseProblem?.code).toBe(pki ? 'pki_passphrase_wrong' : 'pki_passphrase_missing');
      expect(res.status).toBe(503);
      const error = ZError.parse(await res.json()).error;
      expect(error.code).toBe('pki_unavailable');
      expect(error.message).toMatch(message);
    }
    expect((await t.database.db.select().from(schema.outbox)).length).toBe(outboxBefore.length);
  });
});
