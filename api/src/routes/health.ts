import { randomBytes } from 'node:crypto';
import { defineRoute, newRouter } from '../auth/route.js';
import { ZHealth } from '../contract/health.js';
import type { TAppDeps } from '../deps.js';

const health = defineRoute('public', {
  method: 'get',
  path: '/healthz',
  tags: ['system'],
  summary: 'Database, Redis and a real job round trip through a worker',
  responses: {
    200: { description: 'Everything answers', content: { 'application/json': { schema: ZHealth } } },
    503: { description: 'Something does not', content: { 'application/json': { schema: ZHealth } } },
  },
});

async function timed(check: () => Promise<unknown>) {
  const started = performance.now();
  try {
    await check();
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (err) {
    // Only a short, generic reason: health answers are public.
    const message = err instanceof Error ? err.message.split('\n')[0]!.slice(0, 120) : 'failed';
    return { ok: false, latencyMs: Math.round(performance.now() - started), error: message };
  }
}

export function healthRoutes(deps: TAppDeps) {
  return newRouter().openapi(health, async (c) => {
    const [database, redis, worker] = await Promise.all([
      timed(deps.pingDatabase),
      timed(() => deps.producer.redis.ping()),
      // Not just PING: workers have hung after a Redis outage while pings looked fine (BullMQ #2964).
      timed(() => deps.producer.enqueueAndWait('system.ping', { nonce: randomBytes(8).toString('hex') }, 5000)),
    ]);
    const status = database.ok && redis.ok && worker.ok ? 'ok' : 'degraded';
    c.header('cache-control', 'no-store');
    return c.json({ status, checks: { database, redis, worker } }, status === 'ok' ? 200 : 503);
  });
}
