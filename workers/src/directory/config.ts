/**
 * Settings of one directory that staff are synchronised from (Active Directory or OpenLDAP).
 *
 * `ZDirectorySyncConfig` validates what an admin saves; `resolveDirectorySyncConfig` fills the profile defaults so
 * the reader never has to know which fields were left out. The config holds the service account's password: it is
 * loaded by the job handler from the database/env by directory id and never travels in a job payload.
 *
 * Defaults per profile:
 * | | openldap | ad |
 * |---|---|---|
 * | filter | `(objectClass=inetOrgPerson)` | `(&(objectCategory=person)(objectClass=user))` |
 * | directoryId | `uid` | `sAMAccountName` |
 * | service | attribute `ou` (or `departmentNumber`) | attribute `department`, or the nearest `OU=` of the DN |
 * | disabled | `employeeType=disabled` (`disabledMarker`) | `userAccountControl` bit 0x2 (not configurable) |
 * firstName `givenName`, lastName `sn`, email `mail`, manager `manager` (a DN), jobProfile `title` for both.
 *
 * `pageSize` 0 turns paging off: one plain search, which any server size limit cuts short (the reader then fails
 * with 'size_limit') and which ldapts buffers whole. It exists for servers without the paged-results control; keep
 * the default 500. Active Directory never returns more than 1000 entries per page (MaxPageSize).
 */
import { FilterParser } from 'ldapts';
import { z } from 'zod';

export const DIRECTORY_PROFILES = ['openldap', 'ad'] as const;
export type TDirectoryProfile = (typeof DIRECTORY_PROFILES)[number];

export const MAX_PAGE_SIZE = 1000;
export const DEFAULT_PAGE_SIZE = 500;

/** An LDAP attribute description: a name (`sAMAccountName`, `x-foo`) or a numeric OID. */
const ZAttributeName = z
  .string()
  .trim()
  .regex(/^(?:[A-Za-z][A-Za-z0-9-]{0,63}|\d+(?:\.\d+)+)$/, 'not an LDAP attribute name');

/** Operator-provided filter: must parse (ldapts' parser), so a typo fails when saving, not at 2 a.m. */
const ZLdapFilter = z
  .string()
  .trim()
  .min(3)
  .max(4096)
  .refine((value) => {
    try {
      FilterParser.parseString(value);
      return true;
    } catch {
      return false;
    }
  }, 'not a valid LDAP filter (RFC 4515)');

const ZNonBlank = (max: number) =>
  z
    .string()
    .max(max)
    .refine((value) => value.trim().length > 0, 'must not be empty');

export const ZDirectoryAttributeMapping = z
  .object({
    directoryId: ZAttributeName,
    firstName: ZAttributeName,
    lastName: ZAttributeName,
    email: ZAttributeName,
    manager: ZAttributeName,
    jobProfile: ZAttributeName,
  })
  .partial()
  .strict();
export type TDirectoryAttributeMapping = Required<z.infer<typeof ZDirectoryAttributeMapping>>;

/** Where an entry's service comes from: an attribute, or the nearest `OU=` in its DN (AD OUs per service). */
export const ZServiceSource = z.discriminatedUnion('from', [
  z.object({ from: z.literal('attribute'), attribute: ZAttributeName }).strict(),
  z.object({ from: z.literal('dn-ou') }).strict(),
]);
export type TServiceSource = z.infer<typeof ZServiceSource>;

export const ZDirectorySyncConfig = z
  .object({
    url: z.string().trim().regex(/^ldaps?:\/\/[^\s/?#]+\/?$/i, 'ldap://host[:port] or ldaps://host[:port]'),
    // An empty password would be an unauthenticated bind that "succeeds" as anonymous (RFC 4513 §5.1.2).
    bindDn: ZNonBlank(1024),
    bindPassword: ZNonBlank(1024),
    baseDn: ZNonBlank(1024),
    profile: z.enum(DIRECTORY_PROFILES),
    filter: ZLdapFilter.optional(),
    /** 1–1000 entries per page; 0 = no paging (see the module comment). */
    pageSize: z.number().int().min(0).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
    attributes: ZDirectoryAttributeMapping.default({}),
    service: ZServiceSource.optional(),
    /** Directory value → service code, matched case-insensitively (AD `department` holds names, not codes). */
    serviceValueMap: z.record(z.string().max(256), z.string().trim().min(1).max(64)).default({}),
    /** openldap only: the attribute/value pair marking a disabled account (value matched case-insensitively). */
    disabledMarker: z.object({ attribute: ZAttributeName, value: ZNonBlank(256) }).strict().optional(),
    startTls: z.boolean().default(false),
    caFile: z.string().trim().min(1).optional(),
    /** Bounds the connect and every LDAP operation, i.e. each page (server-side time limit = the same, rounded up). */
    timeoutMs: z.number().int().min(1000).max(600_000).default(30_000),
    /**
     * Incremental openldap runs ask for `modifyTimestamp >= start of the previous run − this margin`, so clock skew
     * between Varco and the directory cannot lose a change (re-reading an unchanged entry is harmless).
     */
    clockSkewMarginMs: z.number().int().min(0).max(86_400_000).default(600_000),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (config.profile === 'ad' && config.disabledMarker) {
      ctx.addIssue({ code: 'custom', path: ['disabledMarker'], message: 'AD accounts are disabled by userAccountControl' });
    }
  });

export type TDirectorySyncConfigInput = z.input<typeof ZDirectorySyncConfig>;
export type TDirectorySyncConfig = z.infer<typeof ZDirectorySyncConfig>;

export interface TResolvedDirectorySyncConfig
  extends Omit<TDirectorySyncConfig, 'filter' | 'attributes' | 'service' | 'disabledMarker'> {
  filter: string;
  attributes: TDirectoryAttributeMapping;
  service: TServiceSource;
  /** null for AD (userAccountControl decides). */
  disabledMarker: { attribute: string; value: string } | null;
}

const COMMON_ATTRIBUTES = {
  firstName: 'givenName',
  lastName: 'sn',
  email: 'mail',
  manager: 'manager',
  jobProfile: 'title',
} as const;

const PROFILE_DEFAULTS = {
  openldap: {
    filter: '(objectClass=inetOrgPerson)',
    attributes: { directoryId: 'uid', ...COMMON_ATTRIBUTES },
    service: { from: 'attribute', attribute: 'ou' },
  },
  ad: {
    filter: '(&(objectCategory=person)(objectClass=user))',
    attributes: { directoryId: 'sAMAccountName', ...COMMON_ATTRIBUTES },
    service: { from: 'attribute', attribute: 'department' },
  },
} as const satisfies Record<TDirectoryProfile, { filter: string; attributes: TDirectoryAttributeMapping; service: TServiceSource }>;

export const DEFAULT_DISABLED_MARKER = { attribute: 'employeeType', value: 'disabled' } as const;

export function resolveDirectorySyncConfig(config: TDirectorySyncConfig): TResolvedDirectorySyncConfig {
  const defaults = PROFILE_DEFAULTS[config.profile];
  return {
    ...config,
    filter: config.filter ?? defaults.filter,
    attributes: { ...defaults.attributes, ...config.attributes },
    service: config.service ?? defaults.service,
    disabledMarker: config.profile === 'ad' ? null : (config.disabledMarker ?? DEFAULT_DISABLED_MARKER),
  };
}

/** Validates untrusted settings (throws a ZodError) and fills the profile defaults. */
export function parseDirectorySyncConfig(input: unknown): TResolvedDirectorySyncConfig {
  return resolveDirectorySyncConfig(ZDirectorySyncConfig.parse(input));
}
