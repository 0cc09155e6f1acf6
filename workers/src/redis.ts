import { Redis } from 'ioredis';

/**
 * BullMQ needs `maxRetriesPerRequest: null` on worker connections (blocking commands must wait out a Redis
 * restart instead of failing). Producers fail fast instead, so an HTTP request never hangs on a dead Redis.
 */
export function createRedis(url: string, role: 'worker' | 'producer'): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: role === 'worker' ? null : 2,
    enableOfflineQueue: role === 'worker',
    connectionName: `varco-${role}`,
    lazyConnect: false,
  });
}
