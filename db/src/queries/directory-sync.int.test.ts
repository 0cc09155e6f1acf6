/**
 * loadSyncState on both databases: PGlite reads the employees through COPY (one blob, its own text escapes),
 * PostgreSQL through one JSON field per row. Both must give back exactly what was stored, whatever a hand-typed
 * name holds (tabs, newlines, backslashes, the text "\N", emoji), and NULLs as null.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyRowsIfEmbedded, type Database } from '../client.js';
import { newId } from '../ids.js';
import { schema } from '../index.js';
import { openTestDatabase, testDatabaseKinds } from '../testing.js';
import { loadSyncState } from './directory-sync.js';

describe.each(testDatabaseKinds())('loadSyncState on %s', (kind) => {
  let database: Database;
  const serviceId = newId('service');
  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await database.db.insert(schema.services).values([{ id: serviceId, code: 'SD', name: 'Sistemi' }]);
    await database.db.insert(schema.jobProfiles).values([{ name: 'Analista', remoteAllowed: true }]);
  });
  afterAll(() => database?.close());

  it('an empty staff table loads as no one (with the services and profiles)', async () => {
    expect(await loadSyncState(database.db)).toEqual({ current: new Map(), serviceCodes: ['SD'], jobProfiles: ['Analista'] });
  });

  it('gives back every field as stored, odd characters and NULLs included; managers by directory id', async () => {
    const bossId = newId('employee');
    const staffId = newId('employee');
    const odd = 'Tab\there, line\nbreak\r, C:\\dir, \\N, \u0008\u000b\u000c, 👩‍💻 Niccolò';
    await database.db.insert(schema.employees).values([
      {
        id: bossId, directoryId: 'boss', directoryDn: null, firstName: 'Anna', lastName: odd, email: null, serviceId,
        jobProfile: 'Analista', remoteEligible: true, active: false, manuallyDeactivated: true, source: 'manual',
      },
      {
        id: staffId, directoryId: 'staff', directoryDn: 'uid=staff,ou=people,dc=comune,dc=prato,dc=it', firstName: '\\N', lastName: '',
        email: 'staff@comune.prato.it', serviceId, managerId: bossId, jobProfile: 'Analista', remoteEligible: true, source: 'directory',
      },
    ]);
    const { current } = await loadSyncState(database.db);
    expect([...current.values()]).toEqual(expect.arrayContaining([
      {
        id: bossId, directoryId: 'boss', directoryDn: null, firstName: 'Anna', lastName: odd, email: null, serviceCode: 'SD',
        jobProfile: 'Analista', managerDirectoryId: null, active: false, manuallyDeactivated: true, source: 'manual',
      },
      {
        id: staffId, directoryId: 'staff', directoryDn: 'uid=staff,ou=people,dc=comune,dc=prato,dc=it', firstName: '\\N', lastName: '',
        email: 'staff@comune.prato.it', serviceCode: 'SD', jobProfile: 'Analista', managerDirectoryId: 'boss', active: true,
        manuallyDeactivated: false, source: 'directory',
      },
    ]));
    expect(current.size).toBe(2);
  });

  it(kind === 'pglite' ? 'reads through COPY (not inside a transaction)' : 'reads rows (COPY is PGlite only)', async () => {
    const copied = await copyRowsIfEmbedded(database.db, 'select directory_id from employees order by directory_id');
    expect(copied).toEqual(kind === 'pglite' ? [['boss'], ['staff']] : null);
    await database.db.transaction(async (tx) => expect(await copyRowsIfEmbedded(tx, 'select 1')).toBeNull());
  });
});
