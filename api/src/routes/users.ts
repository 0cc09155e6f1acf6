import { z } from 'zod';
import { listUsers, setUserRoles } from '@varco/db';
import { defineRoute, newRouter } from '../auth/route.js';
import { actorOf } from '../context.js';
import { ZIdParam, ZRole } from '../contract/common.js';
import type { TAppDeps } from '../deps.js';
import { ApiError } from '../errors.js';

const ZUser = z
  .object({
    id: z.string(),
    username: z.string(),
    displayName: z.string(),
    source: z.enum(['local', 'directory']),
    roles: z.array(z.string()),
    employeeId: z.string().nullable(),
    disabled: z.boolean(),
    lastLoginAt: z.string().nullable(),
  })
  .meta({ id: 'User' });
const ZRolesRequest = z.object({ roles: z.array(ZRole).min(1).max(5) }).strict().meta({ id: 'RolesRequest' });

const list = defineRoute('users:manage', {
  method: 'get', path: '/api/users', tags: ['users'], summary: 'Console users and their roles',
  responses: { 200: { description: 'Users', content: { 'application/json': { schema: z.object({ items: z.array(ZUser) }) } } } },
});
const putRoles = defineRoute('users:manage', {
  method: 'put', path: '/api/users/{id}/roles', tags: ['users'], summary: "Replace a user's roles (ends their sessions)",
  request: { params: ZIdParam('usr'), body: { required: true, content: { 'application/json': { schema: ZRolesRequest } } } },
  responses: { 200: { description: 'Saved', content: { 'application/json': { schema: ZUser } } }, 404: { description: 'Not found' } },
});

function toUser(row: Awaited<ReturnType<typeof listUsers>>[number]) {
  return { ...row, lastLoginAt: row.lastLoginAt?.toISOString() ?? null };
}

export function userRoutes(deps: TAppDeps) {
  return newRouter()
    .openapi(list, async (c) => c.json({ items: (await listUsers(deps.db)).map(toUser) }, 200))
    .openapi(putRoles, async (c) => {
      const { id } = c.req.valid('param');
      if (id === c.get('session')!.user.id) throw new ApiError('forbidden', 'You cannot change your own roles');
      const user = await setUserRoles(deps.db, { userId: id, roles: c.req.valid('json').roles, actor: actorOf(c.var) });
      if (!user) throw new ApiError('not_found', 'No such user');
      return c.json(toUser(user), 200);
    });
}
