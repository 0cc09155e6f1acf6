import { Redis } from 'ioredis';

/**
 * BullMQ needs `maxRetriesPerRequest: null` on worker connections (blocking commands must wait out a Redis
 * restart instead of failing). Producers retry once, so an HTTP request fails fast on a dead Redis instead
 * of hanging; the offline queue stays on so commands sent while the first connect is in flight still go out.
 */
export function createRedis(url: string, role: 'worker' | 'producer'): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: role === 'worker' ? null : 1,
    connectionName: `varco-${role}`,
    connectTimeout: 5000,
  });
  // Connection errors surface on the commands that fail (and in /healthz); without a listener ioredis
  // would print every reconnect attempt as an "unhandled error event".
  redis.on('error', () => {});
  return redis;
}
