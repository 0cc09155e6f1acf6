import type { Db } from '../client.js';
import { auditLog } from '../schema/index.js';

/** Who is acting, carried from the HTTP request (or a worker) into every command. */
export interface TActor {
  userId: string | null;
  username: string | null;
  /** The role the action was authorised under (e.g. "admin"), or "system" for workers. */
  role: string | null;
  requestId: string | null;
  ip: string | null;
}

export const SYSTEM_ACTOR: TActor = { userId: null, username: 'system', role: 'system', requestId: null, ip: null };

export interface TAuditEntry {
  action: string;
  targetType: string;
  targetId: string | null;
  before?: unknown;
  after?: unknown;
}

/** Must be called with the transaction that makes the change, so the row and its audit entry commit together. */
export async function writeAudit(tx: Db, actor: TActor, entry: TAuditEntry): Promise<void> {
  await tx.insert(auditLog).values({
    actorUserId: actor.userId,
    actorUsername: actor.username,
    actorRole: actor.role,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId,
    before: entry.before ?? null,
    after: entry.after ?? null,
    requestId: actor.requestId,
    ip: actor.ip,
  });
}
