import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { schema } from '@varco/db';
import { relayOutboxOnce } from '@varco/workers';
import { expect } from 'vitest';
import { ZCertificate, ZIssueCertificateResponse, type TCertificate } from '../contract/pki.js';
import type { TTestApp, TTestSession } from '../testing.js';

export { openssl, run, scratchDir } from '../../../workers/src/pki/testing/run.js';

/** Test helpers for the PKI routes: the outbox relay the host runs every second, and polling like the console. */
export const relay = (t: TTestApp) => relayOutboxOnce(t.database.db, t.producer, { limit: 100 });

export async function waitForCertificate(t: TTestApp, session: TTestSession, id: string, done: (c: TCertificate) => boolean = (c) => c.state !== 'pending'): Promise<TCertificate> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    await relay(t);
    const certificate = ZCertificate.parse(await (await t.call('GET', `/api/pki/certificates/${id}`, { session })).json());
    if (done(certificate)) return certificate;
    if (Date.now() > deadline) throw new Error(`certificate ${id} still ${certificate.state} (${certificate.progress}%)`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function waitForCrlNumberAbove(t: TTestApp, caId: string, above: bigint): Promise<bigint> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    await relay(t);
    const [state] = await t.database.db.select().from(schema.crlState).where(eq(schema.crlState.caId, caId));
    if (state && state.crlNumber > above) return state.crlNumber;
    if (Date.now() > deadline) throw new Error(`CRL number still ${state?.crlNumber} (wanted > ${above})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function activeCa(t: TTestApp) {
  const [ca] = await t.database.db.select().from(schema.certificateAuthorities).where(eq(schema.certificateAuthorities.active, true));
  return ca!;
}

export async function currentCrlNumber(t: TTestApp, caId: string): Promise<bigint> {
  const [state] = await t.database.db.select().from(schema.crlState).where(eq(schema.crlState.caId, caId));
  return state?.crlNumber ?? 0n;
}

/** POST a station certificate request; returns the parsed answer (and checks the status). */
export async function requestCertificate(t: TTestApp, session: TTestSession, body: Record<string, unknown>, status = 201) {
  const res = await t.call('POST', '/api/pki/certificates', { session, body });
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return ZIssueCertificateResponse.parse(JSON.parse(text));
}

/** Fetches a public file the way a VPN gateway does: no session, no cookie. */
export async function fetchPublic(t: TTestApp, path: string, dir: string, file: string): Promise<string> {
  const res = await t.call('GET', path);
  expect(res.status).toBe(200);
  const target = join(dir, file);
  await writeFile(target, Buffer.from(await res.arrayBuffer()));
  return target;
}

/** Some eligible, active employees other than the demo logins' (certificate holders for tests). */
export async function someEmployees(t: TTestApp, count: number): Promise<string[]> {
  const rows = await t.database.db.select({ id: schema.employees.id }).from(schema.employees).where(eq(schema.employees.active, true)).limit(count + 10);
  return rows.slice(10, 10 + count).map((row) => row.id);
}
