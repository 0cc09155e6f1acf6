/**
 * Streams the staff of a directory, page by page (ldapts paged search), as sanitised records.
 *
 * Guarantees (TRAPS.md, LDAP):
 * - Never the whole directory in memory: entries are handed on in batches as they arrive (paged-search.ts), and the
 *   next page is requested only while at most one page of entries waits for the consumer (at most two pages held).
 * - A read either ENDS NORMALLY with every entry the server has, or THROWS `DirectoryReadError` with a precise code.
 *   A size limit (paged or not), a time limit, a dropped connection, a wrong base DN: all throw, even after some
 *   records were yielded — the consumer must discard what it planned (plan-sync only acts after the generator
 *   finished). No client-side sizeLimit is ever sent: ldapts silently accepts "size limit exceeded" as success when
 *   the request carried one.
 * - Wrong base DN → 'no_such_base' (OpenLDAP/AD answer noSuchObject; AD answers a referral for a base outside its
 *   naming contexts, mapped to the same code). An identity that may not see the people (ACL-limited) gets a
 *   successful, EMPTY result from the server — indistinguishable from an empty directory here, so the reader ends
 *   normally with 0 entries and plan-sync refuses an empty full run ('empty_result').
 * - Binds with the service account only; an empty password is refused by the config schema before any bind.
 *
 * Incremental runs: `{ since }` (openldap) adds `(modifyTimestamp>=…)`; `{ usnAbove, server }` (AD) adds
 * `(uSNChanged>=usnAbove+1)`. The summary's `highWaterMark` is what to store for the next run: openldap = this
 * run's start − clockSkewMarginMs; AD = `highestCommittedUSN` of the RootDSE read BEFORE the search (Microsoft's
 * documented way), with the DC's `dnsHostName` — USNs are per domain controller, so a mark from another DC throws
 * 'stale_watermark' and the caller runs a full sync. Deletions are not visible incrementally (AD moves them to
 * Deleted Objects): vanished people are only found by full runs.
 *
 * Consume quickly: plan while reading, write to the database after the generator finished. Slow work between
 * pages keeps a server-side paged cursor open and an idle timeout on the server turns it into 'connection_lost'.
 *
 * Known ldapts behaviour, kept by paged-search.ts: the paginator stops when a page holds no entries, even if the
 * server sent a continuation cookie. slapd never does that; if a server did, the read would end early without an
 * error — the disable cap in plan-sync is the backstop.
 */
import { AndFilter, FilterParser, GreaterThanEqualsFilter, type Client, type Entry, type Filter } from 'ldapts';
import type { TResolvedDirectorySyncConfig } from './config.js';
import { openDirectoryClient, usesTls } from './connection.js';
import { pagedSearch } from './paged-search.js';
import { firstRdn, parseDn, sanitizeEntry, type TDirectoryRecord, type TRawDirectoryEntry } from './sanitize.js';

export type { TDirectoryEntry, TDirectoryRecord, TRejectedEntry } from './sanitize.js';

export type TDirectoryReadErrorCode =
  | 'bind_failed'
  | 'size_limit'
  | 'time_limit'
  | 'connection_lost'
  | 'unreachable'
  | 'tls'
  | 'no_such_base'
  /** The AD high-water mark was taken on another domain controller: run a full sync. */
  | 'stale_watermark'
  /** Any other LDAP refusal (insufficient access to the base, unwilling to perform, protocol error…). */
  | 'search_failed';

export class DirectoryReadError extends Error {
  override name = 'DirectoryReadError';
  constructor(
    readonly code: TDirectoryReadErrorCode,
    message: string,
    readonly details: { entriesRead: number; ldapCode?: number | string; cause?: unknown },
  ) {
    super(message, { cause: details.cause });
  }
}

export type TIncrementalFrom = { since: Date } | { usnAbove: string; server?: string | null };
export type THighWaterMark = { since: Date } | { usnAbove: string; server: string | null };

export interface TReadProgress {
  /** Entries received from the server so far (including rejected ones). */
  entriesRead: number;
  rejected: number;
  pages: number;
}

export interface TReadSummary extends TReadProgress {
  mode: 'full' | 'incremental';
  durationMs: number;
  /** null when the server does not expose one (AD without highestCommittedUSN). */
  highWaterMark: THighWaterMark | null;
}

export interface TReadDirectoryOptions {
  incremental?: TIncrementalFrom;
  /** Called once per batch of entries received (before its records are yielded); `pages` counts completed pages. */
  onProgress?: (progress: TReadProgress) => void;
}

type TSlot = 'directoryId' | 'firstName' | 'lastName' | 'email' | 'manager' | 'jobProfile' | 'service' | 'disabled';
type TStage = 'connect' | 'bind' | 'search';

const UAC_ACCOUNTDISABLE = 0x2;
// RFC 4511 result codes, compared by number so a second copy of ldapts cannot break instanceof.
const RESULT = {
  timeLimitExceeded: 3,
  sizeLimitExceeded: 4,
  strongerAuthRequired: 8,
  referral: 10,
  adminLimitExceeded: 11,
  confidentialityRequired: 13,
  noSuchObject: 32,
} as const;

export async function* readDirectory(
  config: TResolvedDirectorySyncConfig,
  options: TReadDirectoryOptions = {},
): AsyncGenerator<TDirectoryRecord, TReadSummary, undefined> {
  const batches = readDirectoryBatches(config, options);
  for (;;) {
    const next = await batches.next();
    if (next.done) return next.value;
    yield* next.value;
  }
}

/** `readDirectory` in batches (the records of one network read or one page): one await per batch, not per record. */
export async function* readDirectoryBatches(
  config: TResolvedDirectorySyncConfig,
  options: TReadDirectoryOptions = {},
): AsyncGenerator<TDirectoryRecord[], TReadSummary, undefined> {
  const startedAt = Date.now();
  const filter = buildSearchFilter(config, options.incremental);
  const mapping = createMapping(config);
  const progress: TReadProgress = { entriesRead: 0, rejected: 0, pages: 0 };
  let stage: TStage = 'connect';
  let client: Client | undefined;
  try {
    client = await openDirectoryClient(config);
    stage = 'bind';
    await client.bind(config.bindDn, config.bindPassword);
    stage = 'search';
    const highWaterMark =
      config.profile === 'ad' ? await readUsnMark(client, options.incremental) : { since: new Date(startedAt - config.clockSkewMarginMs) };
    const onPage = () => (progress.pages += 1);
    for await (const entries of searchBatches(client, config, filter, [...mapping.slots.keys()], onPage)) {
      progress.entriesRead += entries.length;
      options.onProgress?.({ ...progress });
      const records = new Array<TDirectoryRecord>(entries.length);
      for (let i = 0; i < entries.length; i++) {
        const record = sanitizeEntry(toRawEntry(entries[i]!, mapping));
        if (record.kind === 'rejected') progress.rejected += 1;
        records[i] = record;
      }
      yield records;
    }
    const mode = options.incremental ? 'incremental' : 'full';
    return { mode, ...progress, durationMs: Date.now() - startedAt, highWaterMark };
  } catch (error) {
    throw toReadError(error, stage, usesTls(config), progress.entriesRead);
  } finally {
    await client?.unbind().catch(() => undefined);
  }
}

/**
 * Entries in batches, as they arrive. Paged: the lean decoder of paged-search.ts on ldapts's connection (ldapts's
 * own `searchPaginated` when this ldapts does not expose what it needs). Paging off: one ldapts search, whose
 * answer is only handed on once complete — a size limit then yields nothing at all.
 */
async function* searchBatches(client: Client, config: TResolvedDirectorySyncConfig, filter: Filter, attributes: string[], onPage: () => void) {
  // sizeLimit 0 on purpose (see the module comment); timeLimit applies per request, i.e. per page.
  const timeLimit = Math.ceil(config.timeoutMs / 1000);
  const options = { scope: 'sub', filter, attributes, sizeLimit: 0, timeLimit } as const;
  if (config.pageSize === 0) {
    const { searchEntries } = await client.search(config.baseDn, options);
    onPage();
    yield searchEntries;
    return;
  }
  const lean = pagedSearch(client, { baseDn: config.baseDn, filter, attributes, pageSize: config.pageSize, timeLimit, timeoutMs: config.timeoutMs, onPage });
  if (lean) {
    yield* lean;
    return;
  }
  // One page ahead: the request for page n+1 leaves as soon as page n arrives, so the server prepares it while page
  // n is decoded and planned (two pages in memory at most). Paged results cannot go further ahead: each request
  // carries the cookie of the previous answer.
  const pages = client.searchPaginated(config.baseDn, { ...options, paged: { pageSize: config.pageSize } });
  let next = pages.next();
  try {
    for (;;) {
      const page = await next;
      if (page.done) return;
      next = pages.next();
      // A failure of the prefetched page surfaces when it is awaited; until then it must not count as unhandled.
      next.catch(() => undefined);
      onPage();
      yield page.value.searchEntries;
    }
  } finally {
    // Stopped early (error downstream, consumer gone): let the pending request settle before unbind closes the socket.
    await next.catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Filters and marks

/** The configured filter, AND-ed with the incremental condition. Values go through filter objects, never strings. */
export function buildSearchFilter(config: TResolvedDirectorySyncConfig, incremental?: TIncrementalFrom): Filter {
  const base = FilterParser.parseString(config.filter);
  if (!incremental) return base;
  let condition: Filter;
  if ('since' in incremental) {
    if (config.profile !== 'openldap') throw new TypeError('AD incremental runs need a uSNChanged mark (usnAbove)');
    if (Number.isNaN(incremental.since.getTime())) throw new TypeError('incremental.since is not a valid date');
    condition = new GreaterThanEqualsFilter({ attribute: 'modifyTimestamp', value: toGeneralizedTime(incremental.since) });
  } else {
    if (config.profile !== 'ad') throw new TypeError('OpenLDAP incremental runs need a modifyTimestamp mark (since)');
    if (!/^\d{1,20}$/.test(incremental.usnAbove)) throw new TypeError('incremental.usnAbove must be a decimal USN');
    condition = new GreaterThanEqualsFilter({ attribute: 'uSNChanged', value: String(BigInt(incremental.usnAbove) + 1n) });
  }
  return new AndFilter({ filters: [base, condition] });
}

/** LDAP GeneralizedTime in UTC, whole seconds: 2024-06-01T12:34:56.789Z → 20240601123456Z. */
export function toGeneralizedTime(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

async function readUsnMark(client: Client, incremental: TIncrementalFrom | undefined): Promise<THighWaterMark | null> {
  const { searchEntries } = await client.search('', {
    scope: 'base',
    filter: '(objectClass=*)',
    attributes: ['highestCommittedUSN', 'dnsHostName'],
  });
  const rootDse = searchEntries[0];
  const usn = rootDse ? firstValue(rootDse, 'highestCommittedUSN') : undefined;
  const server = (rootDse ? firstValue(rootDse, 'dnsHostName') : undefined) ?? null;
  if (incremental && 'usnAbove' in incremental && incremental.server && incremental.server !== server) {
    throw new DirectoryReadError('stale_watermark', 'the uSNChanged mark belongs to another domain controller', {
      entriesRead: 0,
    });
  }
  return usn && /^\d+$/.test(usn) ? { usnAbove: usn, server } : null;
}

// ---------------------------------------------------------------------------------------------------------------
// Entry mapping

interface TMapping {
  config: TResolvedDirectorySyncConfig;
  /** Lower-cased attribute name → the slots it fills (one attribute may feed several slots). */
  slots: Map<string, TSlot[]>;
  /** Attribute name as the server spells it → its slots (null: not mapped); saves a toLowerCase per value read. */
  slotsByName: Map<string, TSlot[] | null>;
  idAttribute: string;
  /** Lower-cased directory value → service code. */
  serviceValues: Map<string, string>;
}

function createMapping(config: TResolvedDirectorySyncConfig): TMapping {
  const pairs: Array<[TSlot, string]> = [
    ...(Object.entries(config.attributes) as Array<[TSlot, string]>),
    ['disabled', config.disabledMarker?.attribute ?? 'userAccountControl'],
  ];
  if (config.service.from === 'attribute') pairs.push(['service', config.service.attribute]);
  const map = new Map<string, TSlot[]>();
  for (const [slot, attribute] of pairs) {
    const key = attribute.toLowerCase();
    map.set(key, [...(map.get(key) ?? []), slot]);
  }
  const serviceValues = new Map(Object.entries(config.serviceValueMap).map(([from, code]) => [from.trim().toLowerCase(), code]));
  return { config, slots: map, slotsByName: new Map(), idAttribute: config.attributes.directoryId.toLowerCase(), serviceValues };
}

function slotsOf(mapping: TMapping, name: string): TSlot[] | null {
  let targets = mapping.slotsByName.get(name);
  if (targets === undefined) {
    targets = mapping.slots.get(name.toLowerCase()) ?? null;
    mapping.slotsByName.set(name, targets);
  }
  return targets;
}

function toRawEntry(entry: Entry, mapping: TMapping): TRawDirectoryEntry {
  const { config } = mapping;
  const found: Partial<Record<TSlot, Entry[string]>> = {};
  for (const key in entry) {
    if (key === 'dn') continue;
    const targets = slotsOf(mapping, key);
    if (!targets) continue;
    for (const slot of targets) found[slot] = entry[key];
  }
  const first = (slot: TSlot) => firstString(found[slot]);
  const managerDn = first('manager');
  const managerRdn = managerDn ? firstRdn(managerDn) : undefined;
  return {
    dn: entry.dn,
    directoryId: first('directoryId'),
    firstName: first('firstName'),
    lastName: first('lastName'),
    email: first('email'),
    serviceCode: mapService(mapping, config.service.from === 'attribute' ? first('service') : nearestOu(entry.dn)),
    jobProfile: first('jobProfile'),
    managerDn,
    managerDirectoryId: managerRdn?.attribute.toLowerCase() === mapping.idAttribute ? managerRdn.value : undefined,
    disabled: isDisabled(config, toStrings(found.disabled)),
  };
}

function isDisabled(config: TResolvedDirectorySyncConfig, values: string[]): boolean | 'unknown' {
  if (config.disabledMarker) {
    const marker = config.disabledMarker.value.trim().toLowerCase();
    return values.some((value) => value.trim().toLowerCase() === marker);
  }
  // AD: a missing or unreadable userAccountControl is neither "active" nor "disabled": the entry is rejected.
  const uac = Number(values[0]);
  if (values[0] === undefined || values[0].trim() === '' || !Number.isSafeInteger(uac)) return 'unknown';
  return (uac & UAC_ACCOUNTDISABLE) === UAC_ACCOUNTDISABLE;
}

function mapService(mapping: TMapping, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return mapping.serviceValues.get(value.trim().toLowerCase()) ?? value;
}

function firstString(raw: Entry[string] | undefined): string | undefined {
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined) return undefined;
  return Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
}

function toStrings(raw: Entry[string] | undefined): string[] {
  if (raw === undefined) return [];
  const list = Array.isArray(raw) ? raw : [raw];
  return list.map((value) => (Buffer.isBuffer(value) ? value.toString('utf8') : String(value)));
}

function firstValue(entry: Entry, attribute: string): string | undefined {
  const wanted = attribute.toLowerCase();
  const key = Object.keys(entry).find((k) => k !== 'dn' && k.toLowerCase() === wanted);
  return key === undefined ? undefined : toStrings(entry[key])[0];
}

/** The entry's own RDN excluded: `CN=Rossi\\, Mario,OU=Sistemi Informativi,OU=Staff,…` → `Sistemi Informativi`. */
function nearestOu(dn: string): string | undefined {
  return parseDn(dn)
    .slice(1)
    .find((rdn) => rdn.attribute.toLowerCase() === 'ou')?.value;
}

// ---------------------------------------------------------------------------------------------------------------
// Errors

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'ETIMEDOUT']);
const CLOSED = /Connection closed|Socket error|Socket connection not established|socket hang up/i;

function errorCode(error: unknown): number | string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? (error as { code?: number | string }).code : undefined;
}

function toReadError(error: unknown, stage: TStage, tls: boolean, entriesRead: number): DirectoryReadError {
  if (error instanceof DirectoryReadError) return error;
  const ldapCode = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  const code = classify(ldapCode, message, stage, tls);
  const detail = typeof ldapCode === 'number' ? `LDAP result ${ldapCode}` : (ldapCode ?? (error instanceof Error ? error.name : 'error'));
  return new DirectoryReadError(code, `directory read failed at ${stage} (${detail}) after ${entriesRead} entries`, {
    entriesRead,
    ...(ldapCode !== undefined ? { ldapCode } : {}),
    cause: error,
  });
}

function classify(code: number | string | undefined, message: string, stage: TStage, tls: boolean): TDirectoryReadErrorCode {
  if (typeof code === 'number') {
    if (code === RESULT.timeLimitExceeded) return 'time_limit';
    if (code === RESULT.sizeLimitExceeded || code === RESULT.adminLimitExceeded) return 'size_limit';
    if (code === RESULT.confidentialityRequired || code === RESULT.strongerAuthRequired) return 'tls';
    if (stage === 'connect') return tls ? 'tls' : 'unreachable'; // only StartTLS sends a request before the bind
    if (stage === 'bind') return 'bind_failed';
    if (code === RESULT.noSuchObject || code === RESULT.referral) return 'no_such_base';
    return 'search_failed';
  }
  if (typeof code === 'string' && /CERT|TLS|SSL|SIGNATURE|ALTNAME|PROTO/i.test(code)) return 'tls';
  if (tls && stage === 'connect' && /tls|ssl|certificate|handshake|secure/i.test(message)) return 'tls';
  if (/Operation timed out/i.test(message)) return stage === 'search' ? 'time_limit' : 'unreachable';
  if (stage === 'search' && ((typeof code === 'string' && NETWORK_CODES.has(code)) || CLOSED.test(message))) {
    return 'connection_lost';
  }
  if (stage !== 'search') return 'unreachable';
  return 'search_failed';
}
