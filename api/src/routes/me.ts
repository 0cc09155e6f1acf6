import { getKitOfEmployee, setUserLocale } from '@varco/db';
import { defineRoute, newRouter } from '../auth/route.js';
import { actorOf } from '../context.js';
import { ZMe, ZPreferencesRequest } from '../contract/auth.js';
import { ZMyKit } from '../contract/requests.js';
import type { TAppDeps } from '../deps.js';
import { toMe } from './auth.js';

const preferences = defineRoute('me:update', {
  method: 'put',
  path: '/api/me/preferences',
  tags: ['me'],
  summary: "Save the signed-in user's preferences (console language)",
  request: { body: { required: true, content: { 'application/json': { schema: ZPreferencesRequest } } } },
  responses: { 200: { description: 'Saved', content: { 'application/json': { schema: ZMe } } } },
});

const myKit = defineRoute('requests:read', {
  method: 'get',
  path: '/api/me/kit',
  tags: ['me'],
  summary: 'The kit the signed-in employee holds now, and their station certificates with expiry',
  responses: { 200: { description: 'Kit', content: { 'application/json': { schema: ZMyKit } } } },
});

export function meRoutes(deps: TAppDeps) {
  return newRouter()
    .openapi(myKit, async (c) => {
      const employeeId = c.get('session')!.user.employeeId;
      if (!employeeId) return c.json({ assets: [], certificates: [] }, 200);
      const kit = await getKitOfEmployee(deps.db, { employeeId });
      return c.json(
        {
          assets: kit.assets.map((a) => ({ ...a, assignedAt: a.assignedAt?.toISOString() ?? null })),
          certificates: kit.certificates.map((cert) => ({ ...cert, notAfter: cert.notAfter?.toISOString() ?? null })),
        },
        200,
      );
    })
    .openapi(preferences, async (c) => {
      const session = c.get('session')!;
      const user = await setUserLocale(deps.db, { userId: session.user.id, locale: c.req.valid('json').locale, actor: actorOf(c.var) });
      return c.json(toMe(user, session.csrfToken), 200);
    });
}
