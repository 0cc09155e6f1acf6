import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

export interface TLoginThrottleConfig {
  maxFailuresPerAccount: number;
  maxFailuresPerIp: number;
  windowSeconds: number;
}

/**
 * Failed sign-ins counted in Redis (shared by every API process) per account and per client IP, in a fixed
 * window. Unknown usernames are counted exactly like known ones, so the answer never reveals which exist.
 */
export function createLoginThrottle(redis: Redis, config: TLoginThrottleConfig, prefix: string) {
  const accountKey = (username: string) =>
    `${prefix}:login:account:${createHash('sha256').update(username.toLowerCase()).digest('hex').slice(0, 32)}`;
  const ipKey = (ip: string) => `${prefix}:login:ip:${ip}`;

  return {
    async isBlocked(params: { username: string; ip: string | null }): Promise<boolean> {
      const [account, ip] = await redis.mget(accountKey(params.username), params.ip ? ipKey(params.ip) : `${prefix}:none`);
      return Number(account ?? 0) >= config.maxFailuresPerAccount || Number(ip ?? 0) >= config.maxFailuresPerIp;
    },
    async recordFailure(params: { username: string; ip: string | null }): Promise<void> {
      const pipeline = redis.multi();
      for (const key of [accountKey(params.username), ...(params.ip ? [ipKey(params.ip)] : [])]) {
        pipeline.incr(key).expire(key, config.windowSeconds, 'NX');
      }
      await pipeline.exec();
    },
    async recordSuccess(params: { username: string }): Promise<void> {
      await redis.del(accountKey(params.username));
    },
  };
}
export type TLoginThrottle = ReturnType<typeof createLoginThrottle>;
