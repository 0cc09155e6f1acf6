import { z } from 'zod';
import { ZLocale, ZRole } from './common.js';

export const ZLoginRequest = z
  .object({
    // Length limits keep hostile input (and LDAP filter tricks) short; the value is escaped anyway.
    username: z.string().trim().min(1).max(128),
    password: z.string().max(1024),
  })
  .strict()
  .meta({ id: 'LoginRequest' });
export type TLoginRequest = z.infer<typeof ZLoginRequest>;

export const ZMe = z
  .object({
    id: z.string(),
    username: z.string(),
    displayName: z.string(),
    roles: z.array(ZRole),
    employeeId: z.string().nullable(),
    locale: ZLocale,
    permissions: z.array(z.string()),
    /** Echo in the X-CSRF-Token header on every state-changing request. */
    csrfToken: z.string(),
  })
  .meta({ id: 'Me' });
export type TMe = z.infer<typeof ZMe>;

export const ZPreferencesRequest = z.object({ locale: ZLocale }).strict().meta({ id: 'PreferencesRequest' });
export type TPreferencesRequest = z.infer<typeof ZPreferencesRequest>;
