/**
 * Directory attributes are untrusted input (anyone who can edit their own AD entry, or a compromised account
 * provisioning tool, can write anything into `displayName`, `title`, `department`…).
 *
 * Decision: text is stored AS IS apart from the cleaning below — no HTML escaping, no stripping of `<`, `>`, `&`,
 * quotes. Escaping belongs to the place that renders (Svelte escapes `{value}`; e-mail templates, PDFs, CSV exports
 * and logs each escape for their own syntax — CSV must also neutralise a leading `=`, `+`, `-`, `@`). Escaping here
 * would double-escape in the web and protect nothing elsewhere; stripping would corrupt names and hide an attack
 * instead of showing it. What IS done, for every text field:
 * - lone UTF-16 surrogates → U+FFFD (they break PostgreSQL's UTF-8 and JSON);
 * - control characters (C0/C1, incl. NUL, CR, LF, TAB) and line/paragraph separators → a space;
 * - format characters (Unicode Cf: bidi overrides such as U+202E, zero-width characters, BOM, soft hyphen, tags)
 *   and noncharacters → removed: they make a name look like something else in lists and audit logs;
 * - NFC, whitespace runs collapsed to one space, trimmed;
 * - bounded: names 100, title 120, email 254, DN 1024 characters (code points; a longer value is truncated).
 * The directory id must match `^[a-z0-9._-]{1,64}$` after lower-casing (checked on the raw value, see
 * cleanDirectoryId), else the whole entry is rejected as an error row (reported with its DN, counted, never a crash).
 * An e-mail that fails a basic shape check becomes null. A missing last name rejects the entry (the column is required).
 *
 * Also here: `parseDn`/`normaliseDn`, the DN handling sync needs (directory-auth's `normaliseDn` only lower-cases and
 * strips spaces; this one also treats `\,` and `\2C` alike — the lead may point sign-in at it).
 */

export const FIELD_LIMITS = {
  name: 100,
  jobProfile: 120,
  email: 254,
  serviceCode: 64,
  dn: 1024,
  directoryId: 64,
} as const;

const DIRECTORY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const BREAKING = /[\p{Cc}\p{Zl}\p{Zp}]/gu;
const INVISIBLE = /[\p{Cf}\p{Noncharacter_Code_Point}]/gu;
const PLAIN_ASCII = /^[\x20-\x7e]*$/;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const SEMICOLON = 0x3b;
const SPECIAL_DN_CHARS = /[\\"+;]/;
const EMAIL_LOCAL = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/i;
const EMAIL_DOMAIN = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/** What the reader extracted from one LDAP entry, before cleaning (values as the server sent them). */
export interface TRawDirectoryEntry {
  dn: string;
  directoryId: string | undefined;
  firstName: string | undefined;
  lastName: string | undefined;
  email: string | undefined;
  /** Already passed through the service value map. */
  serviceCode: string | undefined;
  jobProfile: string | undefined;
  managerDn: string | undefined;
  /** The manager DN's RDN value when that RDN is the directory id attribute (`uid=u000001,…`). */
  managerDirectoryId: string | undefined;
  /** 'unknown': the attribute that decides (AD userAccountControl) was missing or unreadable. */
  disabled: boolean | 'unknown';
}

export interface TDirectoryEntry {
  kind: 'entry';
  dn: string;
  directoryId: string;
  firstName: string;
  lastName: string;
  email: string | null;
  serviceCode: string | null;
  jobProfile: string | null;
  managerDn: string | null;
  managerDirectoryId: string | null;
  disabled: boolean;
}

export type TRejectReason = 'invalid_directory_id' | 'missing_last_name' | 'unknown_account_state';

export interface TRejectedEntry {
  kind: 'rejected';
  dn: string;
  /** Known when only another field was unusable: the planner must then not treat the person as vanished. */
  directoryId: string | null;
  reason: TRejectReason;
  /** The offending value, cleaned and bounded, for the run report. */
  value?: string;
}

export type TDirectoryRecord = TDirectoryEntry | TRejectedEntry;

function truncate(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text; // UTF-16 length ≥ code points: nothing to cut
  return Array.from(text).slice(0, maxLength).join('').trimEnd();
}

/** Cleaned, bounded text ('' for missing values). See the module comment for what is changed. */
export function cleanText(value: string | null | undefined, maxLength: number): string {
  if (!value) return '';
  if (PLAIN_ASCII.test(value)) return truncate(value.replace(/ {2,}/g, ' ').trim(), maxLength);
  const cleaned = value
    .replace(LONE_SURROGATE, '\uFFFD')
    .replace(BREAKING, ' ')
    .replace(INVISIBLE, '')
    .normalize('NFC')
    .replace(/\s+/g, ' ')
    .trim();
  return truncate(cleaned, maxLength);
}

/**
 * Lower-cased address with a basic shape (local@domain.tld in ASCII, no spaces, quotes or brackets), else null.
 * Checked on the raw value like the directory id: invisible characters make the address invalid, not "cleaned".
 */
export function cleanEmail(value: string | null | undefined): string | null {
  const email = value?.replace(/^ +| +$/g, '');
  if (!email || email.length > FIELD_LIMITS.email) return null;
  const at = email.lastIndexOf('@');
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (at < 1 || local.length > 64 || domain.length > 253) return null;
  return EMAIL_LOCAL.test(local) && EMAIL_DOMAIN.test(domain) ? email.toLowerCase() : null;
}

/**
 * `uid` / `sAMAccountName` lower-cased, or null when it is not a usable key. Checked on the RAW value (only ASCII
 * spaces around it are dropped, as LDAP matching ignores them): cleaning first would turn `\u202Eadmin` or a
 * BOM-prefixed `admin` into `admin`, and lower-casing first would turn the Kelvin sign `\u212A` into `k` — another
 * person's key.
 */
export function cleanDirectoryId(value: string | null | undefined): string | null {
  const id = value?.replace(/^ +| +$/g, '');
  return id && DIRECTORY_ID.test(id) ? id.toLowerCase() : null;
}

// DNs (RFC 4514): split RDNs on unescaped commas, unescape `\,` and `\2C` alike. Only what sync needs.

export interface TRdn {
  /** '' for a multi-valued RDN (`cn=a+uid=b`), whose raw text is then kept lower-cased in `value`. */
  attribute: string;
  value: string;
}

export function parseDn(dn: string): TRdn[] {
  const rdns: TRdn[] = [];
  // Slices between separators (no character-by-character concatenation: sync parses two DNs per entry).
  let start = 0;
  for (let i = 0; i < dn.length; i++) {
    const ch = dn.charCodeAt(i);
    if (ch === BACKSLASH) i += 1;
    else if (ch === COMMA || ch === SEMICOLON) {
      rdns.push(parseRdn(dn.slice(start, i)));
      start = i + 1;
    }
  }
  rdns.push(parseRdn(dn.slice(start)));
  return rdns;
}

/** The first RDN only (a manager DN's `uid=…`), without splitting the rest. */
export function firstRdn(dn: string): TRdn {
  for (let i = 0; i < dn.length; i++) {
    const ch = dn.charCodeAt(i);
    if (ch === BACKSLASH) i += 1;
    else if (ch === COMMA || ch === SEMICOLON) return parseRdn(dn.slice(0, i));
  }
  return parseRdn(dn);
}

function parseRdn(text: string): TRdn {
  const eq = text.search(/(?<!\\)=/);
  if (eq < 1 || /(?<!\\)\+/.test(text)) return { attribute: '', value: text.trim().toLowerCase() };
  return { attribute: text.slice(0, eq).trim(), value: unescapeDnValue(text.slice(eq + 1).trim()) };
}

function unescapeDnValue(value: string): string {
  if (!value.includes('\\')) return value;
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const hex = value.slice(i + 1, i + 3);
    if (value[i] === '\\' && /^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      if (value[i] === '\\') i += 1;
      bytes.push(...Buffer.from(value[i] ?? '', 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/**
 * A comparison key for DNs: case, spaces around separators and escaping style do not matter
 * (`CN=Rossi\\, Mario, OU=SD` ≡ `cn=rossi\\2c mario,ou=sd`). Not a DN to send to a server.
 */
export function normaliseDn(dn: string): string {
  // Most DNs need no unescaping: no backslash, quote, '+' or ';', one '=' per RDN. Their key is the lower-cased
  // DN with the spaces around separators trimmed — exactly what the general path below produces for them.
  if (!SPECIAL_DN_CHARS.test(dn)) {
    const parts = dn.split(',');
    let key = '';
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      const eq = part.indexOf('=');
      if (eq < 1 || part.indexOf('=', eq + 1) !== -1 || part.slice(0, eq).trim() === '') return normaliseParsedDn(dn);
      key += `${i ? ',' : ''}${part.slice(0, eq).trim().toLowerCase()}=${part.slice(eq + 1).trim().toLowerCase()}`;
    }
    return key;
  }
  return normaliseParsedDn(dn);
}

/** The general path of normaliseDn (exported for the test that checks the fast path gives the same keys). */
export function normaliseParsedDn(dn: string): string {
  return parseDn(dn)
    .map(({ attribute, value }) => {
      const key = value.toLowerCase().replace(/[\\,=+;]/g, (c) => `\\${c.charCodeAt(0).toString(16)}`);
      return `${attribute.toLowerCase()}=${key}`;
    })
    .join(',');
}

export function sanitizeEntry(raw: TRawDirectoryEntry): TDirectoryRecord {
  const dn = cleanText(raw.dn, FIELD_LIMITS.dn);
  const directoryId = cleanDirectoryId(raw.directoryId);
  if (directoryId === null) {
    const value = cleanText(raw.directoryId, FIELD_LIMITS.directoryId);
    return { kind: 'rejected', dn, directoryId: null, reason: 'invalid_directory_id', ...(value ? { value } : {}) };
  }
  if (raw.disabled === 'unknown') return { kind: 'rejected', dn, directoryId, reason: 'unknown_account_state' };
  const lastName = cleanText(raw.lastName, FIELD_LIMITS.name);
  if (!lastName) return { kind: 'rejected', dn, directoryId, reason: 'missing_last_name' };
  return {
    kind: 'entry',
    dn,
    directoryId,
    firstName: cleanText(raw.firstName, FIELD_LIMITS.name),
    lastName,
    email: cleanEmail(raw.email),
    serviceCode: cleanText(raw.serviceCode, FIELD_LIMITS.serviceCode).toUpperCase() || null,
    jobProfile: cleanText(raw.jobProfile, FIELD_LIMITS.jobProfile) || null,
    managerDn: cleanText(raw.managerDn, FIELD_LIMITS.dn) || null,
    managerDirectoryId: cleanDirectoryId(raw.managerDirectoryId),
    disabled: raw.disabled,
  };
}
