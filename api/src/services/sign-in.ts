import { dummyPasswordHash, findUserByUsername, upsertDirectoryUser, verifyPassword, type Db, type TUser } from '@varco/db';
import { ApiError } from '../errors.js';
import type { TLogger } from '../logger.js';
import { authenticateWithDirectory, type TDirectoryAuthConfig } from './directory-auth.js';

const INVALID = () => new ApiError('invalid_credentials', 'Wrong username or password');

/**
 * Local accounts first (bootstrap and demo), then the directory. Every failure gives the same answer,
 * whether the user exists or not; a password is never logged or echoed.
 */
export async function signIn(
  params: { db: Db; directory: TDirectoryAuthConfig | null; logger: TLogger },
  credentials: { username: string; password: string },
): Promise<TUser> {
  const username = credentials.username.trim().toLowerCase();
  // An empty password "succeeds" as an anonymous bind on many directories (RFC 4513 §5.1.2): refuse it here.
  if (credentials.password.trim() === '') throw INVALID();
  const existing = await findUserByUsername(params.db, { username });
  if (existing?.source === 'local') {
    const ok = await verifyPassword(credentials.password, existing.passwordHash ?? '');
    if (!ok || existing.disabled) throw INVALID();
    return existing;
  }
  if (!params.directory) {
    await verifyPassword(credentials.password, await dummyPasswordHash()); // same cost as a real check
    throw INVALID();
  }
  const result = await authenticateWithDirectory(params.directory, username, credentials.password);
  if (!result.ok) {
    if (result.reason === 'unavailable') {
      params.logger.error('directory unavailable during sign-in');
      throw new ApiError('unavailable', 'The staff directory cannot be reached; try again in a few minutes');
    }
    throw INVALID();
  }
  const user = await upsertDirectoryUser(params.db, {
    directoryId: result.user.directoryId,
    displayName: result.user.displayName,
    roles: result.user.roles,
  });
  if (user.disabled) throw INVALID();
  return user;
}
