import { eq } from 'drizzle-orm';
import type { Db } from '../client.js';
import { newId } from '../ids.js';
import { employees, sessions, users } from '../schema/index.js';
import { writeAudit, type TActor } from './audit.js';
import type { TUser } from './sessions.js';

export async function setUserLocale(db: Db, params: { userId: string; locale: 'it' | 'en'; actor: TActor }): Promise<TUser> {
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(users).where(eq(users.id, params.userId)).for('update');
    if (!before) throw new Error('user not found');
    const [after] = await tx.update(users).set({ locale: params.locale }).where(eq(users.id, params.userId)).returning();
    await writeAudit(tx, params.actor, {
      action: 'user.set-locale',
      targetType: 'user',
      targetId: params.userId,
      before: { locale: before.locale },
      after: { locale: params.locale },
    });
    return after!;
  });
}

/** Changing roles ends the user's sessions: new rights apply from the next sign-in, never half-way. */
export async function setUserRoles(
  db: Db,
  params: { userId: string; roles: string[]; actor: TActor },
): Promise<TUser | null> {
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(users).where(eq(users.id, params.userId)).for('update');
    if (!before) return null;
    const roles = [...new Set(params.roles)].sort();
    const [after] = await tx.update(users).set({ roles }).where(eq(users.id, params.userId)).returning();
    await tx.delete(sessions).where(eq(sessions.userId, params.userId));
    await writeAudit(tx, params.actor, {
      action: 'user.set-roles',
      targetType: 'user',
      targetId: params.userId,
      before: { roles: before.roles },
      after: { roles },
    });
    return after!;
  });
}

export async function listUsers(db: Db) {
  return db
    .select({
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      source: users.source,
      roles: users.roles,
      employeeId: users.employeeId,
      disabled: users.disabled,
      lastLoginAt: users.lastLoginAt,
    })
    .from(users)
    .orderBy(users.username);
}

/**
 * A directory sign-in creates or refreshes the local user row (roles follow the directory's groups at every
 * sign-in) and links it to the employee with the same directory id. Not audited as a separate change: it is
 * part of the sign-in the caller audits.
 */
export async function upsertDirectoryUser(
  db: Db,
  params: { directoryId: string; displayName: string; roles: string[] },
): Promise<TUser> {
  const username = params.directoryId.toLowerCase();
  const [employee] = await db.select({ id: employees.id }).from(employees).where(eq(employees.directoryId, username)).limit(1);
  const roles = [...new Set(params.roles)].sort();
  const [user] = await db
    .insert(users)
    .values({
      id: newId('user'),
      username,
      displayName: params.displayName,
      source: 'directory',
      roles,
      employeeId: employee?.id ?? null,
    })
    .onConflictDoUpdate({
      target: users.username,
      set: { displayName: params.displayName, roles, employeeId: employee?.id ?? null },
    })
    .returning();
  return user!;
}

/** Bootstrap: a local account made from the ops CLI (the first admin of a real install). Audited as "system". */
export async function createLocalUser(
  db: Db,
  params: { username: string; displayName: string; roles: string[]; passwordHash: string; actor: TActor },
): Promise<TUser> {
  return db.transaction(async (tx) => {
    const [user] = await tx
      .insert(users)
      .values({
        id: newId('user'),
        username: params.username.toLowerCase(),
        displayName: params.displayName,
        source: 'local',
        passwordHash: params.passwordHash,
        roles: [...new Set(params.roles)].sort(),
      })
      .returning();
    await writeAudit(tx, params.actor, {
      action: 'user.create',
      targetType: 'user',
      targetId: user!.id,
      after: { username: user!.username, roles: user!.roles, source: 'local' },
    });
    return user!;
  });
}
