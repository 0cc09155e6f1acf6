import { Queue } from 'bullmq';
import { QUEUES } from '../../define-job.js';
import { createRedis } from '../../redis.js';
import { pkiDailyJob, ZPkiDailyPayload } from './daily-maintenance.js';
import { publishCrlJob, ZPublishCrlPayload } from './publish-crl.js';

export const CRL_REFRESH_SCHEDULER_ID = 'pki-crl-refresh';
export const PKI_DAILY_SCHEDULER_ID = 'pki-daily';

/**
 * The CRL tick (hourly: the handler re-signs when less than half of the validity is left, so a 7-day CRL is
 * renewed about 3.5 days before it would lock anyone out) and the daily renewal/expiry pass. Idempotent upserts;
 * removed when the process has no PKI settings.
 */
export async function applyPkiSchedules(params: { redisUrl: string; prefix: string; enabled: boolean }): Promise<void> {
  const connection = createRedis(params.redisUrl, 'producer');
  const queue = new Queue(QUEUES.pki, { connection, prefix: params.prefix });
  try {
    if (!params.enabled) {
      await queue.removeJobScheduler(CRL_REFRESH_SCHEDULER_ID);
      await queue.removeJobScheduler(PKI_DAILY_SCHEDULER_ID);
      return;
    }
    await queue.upsertJobScheduler(CRL_REFRESH_SCHEDULER_ID, { every: 3_600_000 }, {
      name: publishCrlJob.name,
      data: ZPublishCrlPayload.parse({ caId: null, trigger: 'schedule' }),
      opts: publishCrlJob.options,
    });
    await queue.upsertJobScheduler(PKI_DAILY_SCHEDULER_ID, { pattern: '30 3 * * *', tz: 'Europe/Rome' }, {
      name: pkiDailyJob.name,
      data: ZPkiDailyPayload.parse({ trigger: 'schedule' }),
      opts: pkiDailyJob.options,
    });
  } finally {
    await queue.close();
    connection.disconnect();
  }
}
