import { z } from 'zod';

/** Roles are closed: adding one means adding it to the route × role matrix test too. */
export const ROLES = ['employee', 'approver', 'hr', 'hotline', 'it-manager', 'admin'] as const;
export const ZRole = z.enum(ROLES).meta({ id: 'Role' });
export type TRole = z.infer<typeof ZRole>;

export const LOCALES = ['it', 'en'] as const;
export const ZLocale = z.enum(LOCALES).meta({ id: 'Locale' });
export type TLocale = z.infer<typeof ZLocale>;

/** The one error shape every endpoint answers with. */
export const ZError = z
  .object({
    error: z.object({
      code: z.string().meta({ example: 'not_found' }),
      message: z.string(),
      requestId: z.string(),
      details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
      /** Why a rule refused (kit request workflow: `own-request`, `illegal-transition`…), stable for translation. */
      reason: z.string().optional(),
      /** The reason's parameters: codes (states, kinds, boxes) rather than words. */
      params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
    }),
  })
  .meta({ id: 'Error' });
export type TError = z.infer<typeof ZError>;

export const ZPageQuery = z.object({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(25),
});

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    page: z.number().int(),
    pageSize: z.number().int(),
    total: z.number().int(),
  });
}

/** Query-string booleans: only the literal strings are accepted, so `?eligible=yes` is a 400, not "true". */
export const ZQueryBoolean = z.enum(['true', 'false']).transform((v) => v === 'true');

export const ZIdParam = (prefix: string) =>
  z.object({
    id: z
      .string()
      .regex(new RegExp(`^${prefix}_[0-9a-z]{10,32}$`), `must be an id starting with ${prefix}_`),
  });
