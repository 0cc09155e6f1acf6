import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../client.js';
import { assets, certificates } from '../schema/index.js';

/** What an employee holds now: assigned assets and their station certificates (issued or pending), with expiry. */
export async function getKitOfEmployee(db: Db, params: { employeeId: string }) {
  const [held, certs] = await Promise.all([
    db
      .select({ id: assets.id, type: assets.type, model: assets.model, serial: assets.serial, assetTag: assets.assetTag, assignedAt: assets.assignedAt })
      .from(assets)
      .where(and(eq(assets.assignedEmployeeId, params.employeeId), eq(assets.status, 'assigned')))
      .orderBy(asc(assets.type), asc(assets.assetTag)),
    db
      .select({ id: certificates.id, commonName: certificates.commonName, serialHex: certificates.serialHex, status: certificates.status, notAfter: certificates.notAfter, assetId: certificates.assetId })
      .from(certificates)
      .where(and(eq(certificates.employeeId, params.employeeId), eq(certificates.kind, 'station'), inArray(certificates.status, ['pending', 'issued'])))
      .orderBy(asc(certificates.notAfter)),
  ]);
  return { assets: held, certificates: certs };
}
