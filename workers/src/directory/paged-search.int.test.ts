/**
 * The lean paged search of paged-search.ts against real slapd, checked against ldapts's own `searchPaginated` on the
 * same connection: the same entries, value for value (multi-valued, long, non-ASCII, markup), and the connection
 * handed back to ldapts after a complete search. Also pinned here: the installed ldapts exposes what the fast path
 * needs (if an upgrade breaks that, this fails instead of the sync silently falling back to the slow path).
 */
import { Client, FilterParser, type Entry } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDirectory } from '../../../ops/src/testing/directory-fixture.js';
import { startSlapd, type TSlapd } from '../../../ops/src/testing/slapd.js';
import { openDirectoryClient } from './connection.js';
import { LdapResultError, pagedSearch, type TPagedSearchOptions } from './paged-search.js';

const ATTRIBUTES = ['uid', 'cn', 'sn', 'givenName', 'mail', 'ou', 'title', 'manager', 'employeeType', 'description', 'telephoneNumber'];

describe('pagedSearch against slapd (600 people and a few odd entries)', () => {
  const { people, groups } = generateDirectory(600, { seed: 11 });
  let slapd: TSlapd;
  const clients: Client[] = [];

  async function connect() {
    const client = new Client({ url: slapd.url, timeout: 5000 });
    clients.push(client);
    await client.bind(slapd.adminDn, slapd.adminPassword);
    return client;
  }
  const options = (over: Partial<TPagedSearchOptions> = {}): TPagedSearchOptions => ({
    baseDn: slapd.baseDn,
    filter: FilterParser.parseString('(objectClass=inetOrgPerson)'),
    attributes: ATTRIBUTES,
    pageSize: 50,
    timeLimit: 5,
    timeoutMs: 5000,
    ...over,
  });
  /** ldapts lists requested attributes an entry lacks as []; the lean search leaves them out. */
  const normalise = (entries: Entry[]) =>
    entries.map((entry) => Object.fromEntries(Object.entries(entry).filter(([, value]) => !(Array.isArray(value) && value.length === 0))));

  beforeAll(async () => {
    slapd = await startSlapd({ people, groups, flavour: 'openldap' });
    const admin = await connect();
    await admin.add(`ou=odd,${slapd.baseDn}`, { objectClass: 'organizationalUnit', ou: 'odd' });
    await admin.add(`uid=strano,ou=odd,${slapd.baseDn}`, {
      objectClass: 'inetOrgPerson', uid: 'strano', cn: ['Niccolò Strano', 'N. Strano', '<b>Strano</b>'], sn: 'Strano',
      description: 'è'.repeat(40_000), // 80,000 bytes in one value: a three-byte BER length
      telephoneNumber: ['+39 0574 1', '+39 0574 2', '+39 0574 3'],
      title: 'Istruttore\u0007\tinformatico', ou: 'Università',
    });
    await admin.unbind();
  });
  afterAll(async () => {
    for (const client of clients) await client.unbind().catch(() => undefined);
    await slapd?.stop();
  });

  it('returns what searchPaginated returns, page by page, and gives the connection back to ldapts', async () => {
    const client = await connect();
    const pages: number[] = [];
    const search = pagedSearch(client, options({ onPage: (n) => pages.push(n) }));
    expect(search).not.toBeNull(); // the fast path works with the installed ldapts
    const lean: Entry[] = [];
    for await (const batch of search!) lean.push(...batch);
    expect(lean).toHaveLength(601);
    expect(pages).toEqual([...Array<number>(12).fill(50), 1]);

    const reference: Entry[] = [];
    const ldaptsPages = client.searchPaginated(slapd.baseDn, { scope: 'sub', filter: '(objectClass=inetOrgPerson)', attributes: ATTRIBUTES, paged: { pageSize: 50 } });
    for await (const page of ldaptsPages) reference.push(...page.searchEntries);
    expect(normalise(lean)).toEqual(normalise(reference));
    const odd = lean.find((entry) => entry.uid === 'strano')!;
    expect(odd).toMatchObject({ cn: ['Niccolò Strano', 'N. Strano', '<b>Strano</b>'], ou: 'Università', title: 'Istruttore\u0007\tinformatico' });
    expect(odd.description).toBe('è'.repeat(40_000));
    expect(client.isConnected).toBe(true);
    await client.unbind();
  });

  it('stays at most one page ahead of a consumer that does not keep up', async () => {
    const client = await connect();
    let pages = 0;
    const search = pagedSearch(client, options({ pageSize: 20, onPage: () => (pages += 1) }))!;
    let read = (await search.next()).value?.length ?? 0;
    await new Promise((resolve) => setTimeout(resolve, 400)); // slapd answers 600 entries in far less than this
    // Page 1 complete and page 2 asked for while at most a page was waiting; then nothing until the consumer reads.
    expect(pages).toBeGreaterThanOrEqual(1);
    expect(pages).toBeLessThanOrEqual(2);
    for await (const batch of search) read += batch.length;
    expect(read).toBe(601);
    expect(pages).toBe(31);
    await client.unbind();
  });

  it('a consumer that stops early closes the connection: no answer is left for ldapts to misread', async () => {
    const client = await connect();
    const search = pagedSearch(client, options({ pageSize: 10 }))!;
    for await (const batch of search) {
      expect(batch.length).toBeGreaterThan(0);
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(client.isConnected).toBe(false);
  });

  it('a result other than success throws with its code (no such object: 32), and the connection is closed', async () => {
    const client = await connect();
    const search = pagedSearch(client, options({ baseDn: `ou=nowhere,${slapd.baseDn}` }))!;
    const error = await search.next().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LdapResultError);
    expect(error).toMatchObject({ code: 32 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(client.isConnected).toBe(false);
  });

  it('returns null on a client that is not connected (the reader then uses searchPaginated)', () => {
    expect(pagedSearch(new Client({ url: slapd.url }), options())).toBeNull();
  });
});

describe('pagedSearch over TLS (StartTLS and ldaps://, 120 people)', () => {
  const { people, groups } = generateDirectory(120, { seed: 12 });
  let slapd: TSlapd;
  beforeAll(async () => {
    slapd = await startSlapd({ people, groups, flavour: 'openldap', tls: true });
  });
  afterAll(() => slapd?.stop());

  it.each([
    ['StartTLS', () => ({ url: slapd.url, startTls: true })],
    ['ldaps://', () => ({ url: slapd.ldapsUrl!, startTls: false })],
  ])('%s: the fast path decodes the secured socket', async (_label, target) => {
    const client = await openDirectoryClient({ ...target(), caFile: slapd.caFile!, timeoutMs: 5000 });
    try {
      await client.bind(slapd.serviceDn, slapd.servicePassword);
      const search = pagedSearch(client, {
        baseDn: slapd.peopleDn, filter: FilterParser.parseString('(objectClass=inetOrgPerson)'), attributes: ['uid'], pageSize: 50, timeLimit: 5, timeoutMs: 5000,
      });
      expect(search).not.toBeNull();
      const uids: unknown[] = [];
      for await (const batch of search!) uids.push(...batch.map((entry) => entry.uid));
      expect(uids.sort()).toEqual(people.map((person) => person.uid).sort());
    } finally {
      await client.unbind().catch(() => undefined);
    }
  });
});
