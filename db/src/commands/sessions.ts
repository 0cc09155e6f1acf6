import { and, eq, gt, lt, or } from 'drizzle-orm';
import type { Db } from '../client.js';
import { sessions, users } from '../schema/index.js';
import { writeAudit, type TActor } from './audit.js';

export type TUser = typeof users.$inferSelect;

export async function findUserByUsername(db: Db, params: { username: string }): Promise<TUser | null> {
  const [user] = await db.select().from(users).where(eq(users.username, params.username.toLowerCase())).limit(1);
  return user ?? null;
}

export interface TNewSession {
  tokenHash: string;
  csrfToken: string;
  expiresAt: Date;
  ip: string | null;
  userAgent: string | null;
}

/**
 * Sign-in: the new session, the login time and the audit row commit together. Sessions the browser held before
 * are not reused (the caller minted a new token), which is the rotation that prevents session fixation.
 */
export async function startSession(
  db: Db,
  params: { user: TUser; session: TNewSession; actor: TActor; previousTokenHash: string | null },
): Promise<void> {
  await db.transaction(async (tx) => {
    if (params.previousTokenHash) await tx.delete(sessions).where(eq(sessions.tokenHash, params.previousTokenHash));
    await tx.insert(sessions).values({ ...params.session, userId: params.user.id });
    await tx.update(users).set({ lastLoginAt: new Date() }).where(eq(users.id, params.user.id));
    await writeAudit(tx, params.actor, {
      action: 'auth.login',
      targetType: 'user',
      targetId: params.user.id,
      after: { source: params.user.source, roles: params.user.roles },
    });
  });
}

export async function endSession(db: Db, params: { tokenHash: string; userId: string; actor: TActor }): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.delete(sessions).where(eq(sessions.tokenHash, params.tokenHash));
    await writeAudit(tx, params.actor, { action: 'auth.logout', targetType: 'user', targetId: params.userId });
  });
}

/** The live session and its user, or null when missing, expired (absolute) or idle too long. */
export async function findLiveSession(db: Db, params: { tokenHash: string; idleTimeoutMs: number; now?: Date }) {
  const now = params.now ?? new Date();
  const [row] = await db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(
      and(
        eq(sessions.tokenHash, params.tokenHash),
        gt(sessions.expiresAt, now),
        gt(sessions.lastSeenAt, new Date(now.getTime() - params.idleTimeoutMs)),
        eq(users.disabled, false),
      ),
    )
    .limit(1);
  return row ?? null;
}

/** Slides the idle timeout; written at most once a minute per session to keep reads cheap. */
export async function touchSession(db: Db, params: { tokenHash: string; now?: Date }): Promise<void> {
  const now = params.now ?? new Date();
  await db
    .update(sessions)
    .set({ lastSeenAt: now })
    .where(and(eq(sessions.tokenHash, params.tokenHash), lt(sessions.lastSeenAt, new Date(now.getTime() - 60_000))));
}

export async function deleteExpiredSessions(db: Db, params: { idleTimeoutMs: number; now?: Date }): Promise<number> {
  const now = params.now ?? new Date();
  const deleted = await db
    .delete(sessions)
    .where(or(lt(sessions.expiresAt, now), lt(sessions.lastSeenAt, new Date(now.getTime() - params.idleTimeoutMs))))
    .returning({ tokenHash: sessions.tokenHash });
  return deleted.length;
}
