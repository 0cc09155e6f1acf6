import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { catalog, type TJobName, type TJobPayload } from './catalog.js';
import { QUEUES, type TQueueKey } from './define-job.js';
import { createRedis } from './redis.js';

export interface TProducer {
  enqueue<N extends TJobName>(name: N, payload: TJobPayload<N>, opts?: { jobId?: string }): Promise<string>;
  /** Enqueue and wait for the result (health round trip only; everything else is asynchronous). */
  enqueueAndWait<N extends TJobName>(name: N, payload: TJobPayload<N>, timeoutMs: number): Promise<unknown>;
  queues(): Queue[];
  redis: Redis;
  prefix: string;
  close(): Promise<void>;
}

/** `prefix` namespaces every key in Redis, so several Varco installs (or parallel tests) can share one server. */
export function createProducer(redisUrl: string, options: { prefix: string } = { prefix: 'varco' }): TProducer {
  const redis = createRedis(redisUrl, 'producer');
  const queues = new Map<TQueueKey, Queue>();
  const events = new Map<TQueueKey, QueueEvents>();
  const queueFor = (key: TQueueKey) => {
    let queue = queues.get(key);
    if (!queue) {
      queue = new Queue(QUEUES[key], { connection: redis, prefix: options.prefix });
      // As on the connection (redis.ts): failures surface on the commands that fail and in /healthz. Without a
      // listener BullMQ prints every reconnect attempt of a Redis restart to stderr, outside the JSON log.
      queue.on('error', () => {});
      queues.set(key, queue);
    }
    return queue;
  };

  async function add<N extends TJobName>(name: N, payload: TJobPayload<N>, opts?: { jobId?: string }) {
    const definition = catalog[name];
    // Validate at the producer too: a bad payload is a bug here, not a poisoned job in Redis.
    const data = definition.payload.parse(payload);
    return queueFor(definition.queue).add(name, data, { ...definition.options, jobId: opts?.jobId });
  }

  return {
    enqueue: async (name, payload, opts) => (await add(name, payload, opts)).id!,
    async enqueueAndWait(name, payload, timeoutMs) {
      const definition = catalog[name];
      let queueEvents = events.get(definition.queue);
      if (!queueEvents) {
        queueEvents = new QueueEvents(QUEUES[definition.queue], { connection: createRedis(redisUrl, 'worker'), prefix: options.prefix });
        events.set(definition.queue, queueEvents);
        await queueEvents.waitUntilReady();
      }
      const job = await add(name, payload);
      return job.waitUntilFinished(queueEvents, timeoutMs);
    },
    queues: () => Object.keys(QUEUES).map((key) => queueFor(key as TQueueKey)),
    redis,
    prefix: options.prefix,
    async close() {
      await Promise.all([...events.values()].map((e) => e.close()));
      await Promise.all([...queues.values()].map((q) => q.close()));
      redis.disconnect();
    },
  };
}
