import { z } from 'zod';

const ZCheck = z.object({ ok: z.boolean(), latencyMs: z.number(), error: z.string().optional() });
export const ZHealth = z
  .object({
    status: z.enum(['ok', 'degraded']),
    checks: z.object({ database: ZCheck, redis: ZCheck, worker: ZCheck }),
  })
  .meta({ id: 'Health' });
export type THealth = z.infer<typeof ZHealth>;
