import { setUserLocale } from '@varco/db';
import { defineRoute, newRouter } from '../auth/route.js';
import { actorOf } from '../context.js';
import { ZMe, ZPreferencesRequest } from '../contract/auth.js';
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

export function meRoutes(deps: TAppDeps) {
  return newRouter().openapi(preferences, async (c) => {
    const session = c.get('session')!;
    const user = await setUserLocale(deps.db, { userId: session.user.id, locale: c.req.valid('json').locale, actor: actorOf(c.var) });
    return c.json(toMe(user, session.csrfToken), 200);
  });
}
