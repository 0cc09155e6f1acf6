import { describe, expect, it } from 'vitest';
import {
  cleanDirectoryId,
  cleanEmail,
  cleanText,
  FIELD_LIMITS,
  firstRdn,
  normaliseDn,
  normaliseParsedDn,
  parseDn,
  sanitizeEntry,
  type TRawDirectoryEntry,
} from './sanitize.js';

const raw = (over: Partial<TRawDirectoryEntry> = {}): TRawDirectoryEntry => ({
  dn: 'uid=mrossi,ou=people,dc=comune,dc=prato,dc=it',
  directoryId: 'mrossi',
  firstName: 'Mario',
  lastName: 'Rossi',
  email: 'mario.rossi@comune.prato.it',
  serviceCode: 'SD',
  jobProfile: 'Istruttore informatico',
  managerDn: 'uid=lbianchi,ou=people,dc=comune,dc=prato,dc=it',
  managerDirectoryId: 'lbianchi',
  disabled: false,
  ...over,
});

describe('cleanText', () => {
  it('keeps ordinary Italian names, accents and apostrophes as they are', () => {
    expect(cleanText("Niccolò D'Angelo", 100)).toBe("Niccolò D'Angelo");
    expect(cleanText('  Anna   Maria  ', 100)).toBe('Anna Maria');
    expect(cleanText(undefined, 100)).toBe('');
  });

  it('stores markup as text: no stripping, no escaping (escaping happens where it is rendered)', () => {
    expect(cleanText('<script>alert(1)</script>', 100)).toBe('<script>alert(1)</script>');
    expect(cleanText('<img src=x onerror="alert(1)"> & co', 100)).toBe('<img src=x onerror="alert(1)"> & co');
    expect(cleanText('=HYPERLINK("http://x")', 100)).toBe('=HYPERLINK("http://x")'); // CSV exports must guard this
  });

  it('bounds very long strings by code points without splitting surrogate pairs', () => {
    expect(cleanText('x'.repeat(100_000), FIELD_LIMITS.name)).toHaveLength(100);
    const emoji = cleanText('😀'.repeat(500), FIELD_LIMITS.name);
    expect([...emoji]).toHaveLength(100);
    expect(Buffer.from(emoji, 'utf8').toString('utf8')).toBe(emoji); // no half pair left
    expect(cleanText(`${'a'.repeat(99)} b`, 100)).toBe('a'.repeat(99)); // no trailing space left by the cut
  });

  it('turns control characters into spaces: NUL, BEL, TAB, CR/LF, C1, line separators', () => {
    expect(cleanText('Ma\u0000rio', 100)).toBe('Ma rio');
    expect(cleanText('Rossi\r\nSet-Cookie: x', 100)).toBe('Rossi Set-Cookie: x');
    expect(cleanText('a\u0007b\tc\u0085d\u2028e\u2029f\u001bg', 100)).toBe('a b c d e f g');
    expect(cleanText('\u0000\u0000', 100)).toBe('');
  });

  it('removes bidi overrides (U+202E), isolates, zero-width characters, BOM and noncharacters', () => {
    expect(cleanText('Mario\u202Eoiram', 100)).toBe('Mariooiram');
    expect(cleanText('\u2066a\u2067b\u2068c\u2069', 100)).toBe('abc');
    expect(cleanText('ad\u200Bmin\uFEFF\u200D\u00AD', 100)).toBe('admin');
    expect(cleanText('x\uFFFEy\uFDD0z', 100)).toBe('xyz');
  });

  it('repairs lone surrogates and normalises to NFC', () => {
    expect(cleanText('a\uD800b', 100)).toBe('a\uFFFDb');
    expect(cleanText('b\uDC00', 100)).toBe('b\uFFFD');
    expect(cleanText('Nicole\u0300', 100)).toBe('Nicolè');
  });
});

describe('cleanEmail', () => {
  it('accepts and lower-cases ordinary addresses', () => {
    expect(cleanEmail(' Mario.Rossi@Comune.Prato.IT ')).toBe('mario.rossi@comune.prato.it');
    expect(cleanEmail("l.d'angelo@comune.prato.it")).toBe("l.d'angelo@comune.prato.it");
  });

  it.each([
    ['markup', 'x@y.it"><svg onload=alert(1)>'],
    ['no at', 'mario.rossi'],
    ['two ats', 'a@b@c.it'],
    ['spaces', 'mario rossi@c.it'],
    ['no tld', 'mario@localhost'],
    ['too long', `${'a'.repeat(60)}@${'b'.repeat(200)}.it`],
    ['local part over 64', `${'a'.repeat(65)}@c.it`],
    ['control character', 'mario\u0000@c.it'],
    ['bidi override', 'mario\u202E@c.it'],
    ['Kelvin sign (would lower-case to k)', '\u212Aelvin@c.it'],
    ['empty', ''],
  ])('returns null for %s', (_label, value) => {
    expect(cleanEmail(value)).toBeNull();
  });
});

describe('cleanDirectoryId', () => {
  it('lower-cases usable ids', () => {
    expect(cleanDirectoryId('MRossi')).toBe('mrossi');
    expect(cleanDirectoryId(' u000123 ')).toBe('u000123');
    expect(cleanDirectoryId('m.rossi_2-x')).toBe('m.rossi_2-x');
  });

  it.each([
    ['a space', 'bad uid'],
    ['markup', 'u<script>'],
    ['too long', 'a'.repeat(65)],
    ['non-ASCII', 'ünal'],
    ['RTL override that cleaning would hide', '\u202Eadmin'],
    ['BOM that trim() would hide', '\uFEFFadmin'],
    ['Kelvin sign that lower-casing would turn into k', '\u212Aadmin'],
    ['NUL', 'admin\u0000'],
    ['AD computer account', 'pc01$'],
    ['empty', ''],
  ])('rejects %s', (_label, value) => {
    expect(cleanDirectoryId(value)).toBeNull();
  });
});

describe('DNs', () => {
  it('parses escaped commas in either form and multi-byte hex escapes', () => {
    expect(parseDn('CN=Rossi\\, Mario,OU=Sistemi Informativi,DC=x')).toEqual([
      { attribute: 'CN', value: 'Rossi, Mario' },
      { attribute: 'OU', value: 'Sistemi Informativi' },
      { attribute: 'DC', value: 'x' },
    ]);
    expect(parseDn('cn=Nicol\\C3\\B2 Rossi\\2C M.,ou=sd')[0]).toEqual({ attribute: 'cn', value: 'Nicolò Rossi, M.' });
  });

  it('normaliseDn ignores case, spaces around separators and the escaping style', () => {
    const a = normaliseDn('CN=Rossi\\, Mario, OU=SD ,DC=Comune');
    expect(normaliseDn('cn=rossi\\2c mario,ou=sd,dc=comune')).toBe(a);
    expect(normaliseDn('cn=rossi\\2c mario,ou=sd,dc=other')).not.toBe(a);
    // an escaped comma must not collide with a real RDN boundary
    expect(normaliseDn('cn=a\\,ou=b')).not.toBe(normaliseDn('cn=a,ou=b'));
  });

  it('the fast path of normaliseDn gives the same key as the general one, whatever the DN', () => {
    const dns = [
      'uid=u000001,ou=people,dc=comune,dc=prato,dc=it', 'CN=Rossi Mario, OU=Sistemi Informativi ,DC=Comune', ' UID = x ,ou=y',
      'cn=Nicolò ÀLVARO,ou=sd', 'cn=a=b,ou=c', '=x,ou=y', ' =x', 'cn=,ou=y', 'cn', '', ',', 'cn=a,,ou=b', 'cn=a;ou=b', 'cn=a+uid=b,ou=c',
      'cn=Rossi\\, Mario,ou=sd', 'cn="quoted",ou=x', 'cn=a\u00a0,ou=b', 'CN=\u212Aelvin,OU=SD',
    ];
    for (const dn of dns) expect([dn, normaliseDn(dn)]).toEqual([dn, normaliseParsedDn(dn)]);
  });

  it('firstRdn is the first element of parseDn', () => {
    for (const dn of ['uid=u1,ou=p', 'CN=Rossi\\, Mario,OU=SD', 'cn=a+uid=b,ou=c', 'cn=solo', '', 'cn=x\\']) expect(firstRdn(dn)).toEqual(parseDn(dn)[0]);
  });
});

describe('sanitizeEntry', () => {
  it('returns a clean entry', () => {
    expect(sanitizeEntry(raw({ serviceCode: ' sd ', email: 'Mario.Rossi@Comune.Prato.it' }))).toEqual({
      kind: 'entry',
      dn: 'uid=mrossi,ou=people,dc=comune,dc=prato,dc=it',
      directoryId: 'mrossi',
      firstName: 'Mario',
      lastName: 'Rossi',
      email: 'mario.rossi@comune.prato.it',
      serviceCode: 'SD',
      jobProfile: 'Istruttore informatico',
      managerDn: 'uid=lbianchi,ou=people,dc=comune,dc=prato,dc=it',
      managerDirectoryId: 'lbianchi',
      disabled: false,
    });
  });

  it('bounds every text field', () => {
    const entry = sanitizeEntry(
      raw({ firstName: 'n'.repeat(500), lastName: 'l'.repeat(500), jobProfile: 't'.repeat(500), dn: `uid=x,${'o'.repeat(5000)}` }),
    );
    expect(entry.kind).toBe('entry');
    if (entry.kind !== 'entry') return;
    expect(entry.firstName).toHaveLength(FIELD_LIMITS.name);
    expect(entry.lastName).toHaveLength(FIELD_LIMITS.name);
    expect(entry.jobProfile).toHaveLength(FIELD_LIMITS.jobProfile);
    expect(entry.dn).toHaveLength(FIELD_LIMITS.dn);
  });

  it('keeps hostile text readable but inert: controls out, markup in', () => {
    const entry = sanitizeEntry(raw({ lastName: '<b>Rossi</b>\u0000\u202E', jobProfile: '\n\tDirigente\r\n', email: 'javascript:alert(1)' }));
    expect(entry).toMatchObject({ kind: 'entry', lastName: '<b>Rossi</b>', jobProfile: 'Dirigente', email: null });
  });

  it('rejects an entry with an unusable directory id, reporting its DN and the value', () => {
    expect(sanitizeEntry(raw({ directoryId: 'bad uid\u0000', dn: 'uid=bad uid,ou=people' }))).toEqual({
      kind: 'rejected',
      dn: 'uid=bad uid,ou=people',
      directoryId: null,
      reason: 'invalid_directory_id',
      value: 'bad uid',
    });
    expect(sanitizeEntry(raw({ directoryId: undefined }))).toMatchObject({ kind: 'rejected', reason: 'invalid_directory_id' });
  });

  it('rejects an entry without a last name or with an unknown account state, keeping its id', () => {
    expect(sanitizeEntry(raw({ lastName: ' \u0000 ' }))).toMatchObject({ kind: 'rejected', directoryId: 'mrossi', reason: 'missing_last_name' });
    expect(sanitizeEntry(raw({ disabled: 'unknown' }))).toMatchObject({ kind: 'rejected', directoryId: 'mrossi', reason: 'unknown_account_state' });
  });

  it('drops an unusable manager id and empty optional fields', () => {
    expect(sanitizeEntry(raw({ managerDirectoryId: 'x y', managerDn: '', jobProfile: '  ', serviceCode: undefined }))).toMatchObject({
      managerDirectoryId: null,
      managerDn: null,
      jobProfile: null,
      serviceCode: null,
    });
  });
});
