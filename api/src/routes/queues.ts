import type { TAppEnv } from '../context.js';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { HonoAdapter } from '@bull-board/hono';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { authorize } from '../auth/route.js';
import type { TAppDeps } from '../deps.js';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';

/**
 * bull-board, admins only and read-only: its buttons cannot send our CSRF header, and every state change in
 * Varco must be authorised and audited, so retries and deletions go through Varco's own screens instead.
 */
export function queueDashboard(deps: TAppDeps) {
  const serverAdapter = new HonoAdapter(serveStatic);
  createBullBoard({
    queues: deps.producer.queues().map((queue) => new BullMQAdapter(queue, { readOnlyMode: true })),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Varco — code' } },
  });
  serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
  const app = new Hono<TAppEnv>();
  app.use(`${QUEUE_DASHBOARD_PATH}/*`, authorize('queues:admin'));
  app.use(QUEUE_DASHBOARD_PATH, authorize('queues:admin'));
  app.route(QUEUE_DASHBOARD_PATH, serverAdapter.registerPlugin());
  return app;
}
