import { z } from 'zod';
import { pageOf, ZPageQuery } from './common.js';

export const ZAuditQuery = ZPageQuery.extend({
  actor: z.string().trim().max(128).optional(),
  action: z.string().regex(/^[a-z0-9.-]{1,64}$/, 'must be an action name like auth.login').optional(),
  targetType: z.string().regex(/^[a-z-]{1,32}$/).optional(),
  targetId: z.string().max(64).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});
export type TAuditQuery = z.infer<typeof ZAuditQuery>;

export const ZAuditEntry = z
  .object({
    id: z.number().int(),
    at: z.string(),
    actor: z.object({ id: z.string(), username: z.string() }).nullable(),
    actorRole: z.string().nullable(),
    action: z.string(),
    targetType: z.string(),
    targetId: z.string().nullable(),
    before: z.unknown().nullable(),
    after: z.unknown().nullable(),
    requestId: z.string().nullable(),
    ip: z.string().nullable(),
  })
  .meta({ id: 'AuditEntry' });
export type TAuditEntry = z.infer<typeof ZAuditEntry>;
export const ZAuditPage = pageOf(ZAuditEntry).meta({ id: 'AuditPage' });
export type TAuditPage = z.infer<typeof ZAuditPage>;
