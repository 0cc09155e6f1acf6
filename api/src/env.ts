import { z } from 'zod';

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .optional()
    .transform((v) => (v === undefined ? fallback : ['true', '1', 'yes'].includes(v)));

const int = (fallback: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(fallback);

/**
 * The whole configuration of a Varco process, parsed once at start (nothing else reads process.env).
 * Every variable is documented in .env.example and the README.
 */
export const ZEnv = z
  .object({
    HOST: z.string().default('127.0.0.1'),
    PORT: int(3000, 0, 65535),
    PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
    TRUST_PROXY: bool(false),
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
    VARCO_DATA_DIR: z.string().default('.data'),
    REDIS_URL: z.url({ protocol: /^rediss?$/ }),
    VARCO_SEED_DEMO: bool(false),
    VARCO_REDIS_PREFIX: z.string().regex(/^[a-z0-9-]{1,32}$/).default('varco'),
    SLA_HOURS: z
      .string()
      .regex(/^([a-z-]+=\d{1,4})(;[a-z-]+=\d{1,4})*$/, 'must look like vpn=24;laptop=72')
      .default('vpn=24;laptop=72;docking-kit=72;webcam=48;headset=48;mobile-router=48;softphone=48'),
    /** HR confirms VPN access after the manager approves (plan: the request procedure is redone with HR). */
    WORKFLOW_HR_CONFIRMS_VPN: bool(false),
    SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
    SMTP_FROM: z.string().min(3).max(200).optional(),
    LOG_LEVEL: z.enum(['info', 'warn', 'error', 'silent']).default('info'),
    WORKER_CONCURRENCY: int(4, 1, 64),
    WORKER_STALLED_SECONDS: int(30, 2, 600),
    SESSION_IDLE_MINUTES: int(30, 1, 24 * 60),
    SESSION_ABSOLUTE_HOURS: int(12, 1, 24 * 30),
    LOGIN_MAX_FAILURES_PER_ACCOUNT: int(5, 1, 1000),
    LOGIN_MAX_FAILURES_PER_IP: int(30, 1, 100_000),
    LOGIN_WINDOW_MINUTES: int(15, 1, 24 * 60),
    LDAP_URL: z.url({ protocol: /^ldaps?$/ }).optional(),
    LDAP_PROFILE: z.enum(['openldap', 'ad']).default('openldap'),
    LDAP_BIND_DN: z.string().optional(),
    LDAP_BIND_PASSWORD_FILE: z.string().optional(),
    LDAP_BIND_PASSWORD: z.string().optional(),
    LDAP_USER_BASE_DN: z.string().optional(),
    LDAP_GROUP_BASE_DN: z.string().optional(),
    LDAP_USER_FILTER: z.string().optional(),
    LDAP_GROUP_ROLES: z.string().optional(),
    LDAP_STARTTLS: bool(false),
    LDAP_CA_FILE: z.string().optional(),
    LDAP_TIMEOUT_MS: int(5000, 100, 60_000),
    LDAP_DISABLED_ATTRIBUTE: z.string().regex(/^[A-Za-z][A-Za-z0-9-]{0,63}$/).default('employeeType'),
    LDAP_DISABLED_VALUE: z.string().max(64).default('disabled'),
    // Directory sync (staff from the directory). Reuses LDAP_URL, LDAP_PROFILE, the bind account, TLS and timeout.
    LDAP_SYNC_ENABLED: bool(false),
    LDAP_SYNC_BASE_DN: z.string().optional(),
    LDAP_SYNC_FILTER: z.string().optional(),
    LDAP_SYNC_PAGE_SIZE: int(500, 0, 1000),
    LDAP_SYNC_SCHEDULE: z
      .string()
      .trim()
      .regex(/^[\w*,\-/?#]+( [\w*,\-/?#]+){4}$/, 'must be a 5-field cron pattern such as "0 2 * * *"')
      .default('0 2 * * *'),
    LDAP_SYNC_MAX_DISABLE_PERCENT: z.coerce.number().min(0).max(100).default(5),
    LDAP_SYNC_MAX_DISABLE_COUNT: int(50, 0, 1_000_000),
    // Station certificates (PKI): the CA key's passphrase file, CRL and certificate validity, renewal, reminders.
    VARCO_CA_PASSPHRASE_FILE: z.string().min(1).optional(),
    PKI_CRL_DAYS: int(7, 2, 365),
    PKI_CERTIFICATE_DAYS: int(730, 1, 3650),
    PKI_RENEWAL_GRACE_DAYS: int(14, 1, 365),
    PKI_EXPIRY_WARNING_DAYS: int(30, 1, 365),
  })
  .superRefine((env, ctx) => {
    if (env.SMTP_URL && !env.SMTP_FROM) ctx.addIssue({ code: 'custom', path: ['SMTP_FROM'], message: 'is required when SMTP_URL is set' });
    if (env.LDAP_URL) {
      for (const key of ['LDAP_BIND_DN', 'LDAP_USER_BASE_DN'] as const) {
        if (!env[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'is required when LDAP_URL is set' });
      }
      if (!env.LDAP_BIND_PASSWORD_FILE && !env.LDAP_BIND_PASSWORD) {
        ctx.addIssue({ code: 'custom', path: ['LDAP_BIND_PASSWORD_FILE'], message: 'or LDAP_BIND_PASSWORD is required when LDAP_URL is set' });
      }
    }
    if (env.LDAP_SYNC_ENABLED && !env.LDAP_URL) ctx.addIssue({ code: 'custom', path: ['LDAP_URL'], message: 'is required when LDAP_SYNC_ENABLED is true' });
  });
export type TEnv = z.infer<typeof ZEnv>;

/** Parses the environment or explains, one line per problem, what is wrong. Never echoes values (secrets). */
export function parseEnv(source: Record<string, string | undefined>): { ok: true; env: TEnv } | { ok: false; problems: string[] } {
  const result = ZEnv.safeParse(source);
  if (result.success) return { ok: true, env: result.data };
  return { ok: false, problems: result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) };
}
