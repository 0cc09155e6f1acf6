import type { z } from 'zod';
import { syncDirectoryJob } from './jobs/directory/sync-directory.js';
import { notifyRequestEventJob } from './jobs/notify/request-event.js';
import { createCaJob } from './jobs/pki/create-ca.js';
import { expiryReminderJob, pkiDailyJob } from './jobs/pki/daily-maintenance.js';
import { issueStationCertificateJob } from './jobs/pki/issue-station-certificate.js';
import { publishCrlJob } from './jobs/pki/publish-crl.js';
import { signCsrsJob } from './jobs/pki/sign-csrs.js';
import { echoJob, pingJob } from './jobs/system/ping.js';

/** Every job Varco runs. Producers can only enqueue names and payloads declared here (compile-time check). */
export const catalog = {
  [pingJob.name]: pingJob,
  [echoJob.name]: echoJob,
  [notifyRequestEventJob.name]: notifyRequestEventJob,
  [syncDirectoryJob.name]: syncDirectoryJob,
  [issueStationCertificateJob.name]: issueStationCertificateJob,
  [signCsrsJob.name]: signCsrsJob,
  [publishCrlJob.name]: publishCrlJob,
  [pkiDailyJob.name]: pkiDailyJob,
  [expiryReminderJob.name]: expiryReminderJob,
  [createCaJob.name]: createCaJob,
} as const;

export type TCatalog = typeof catalog;
export type TJobName = keyof TCatalog;
export type TJobPayload<N extends TJobName> = z.infer<TCatalog[N]['payload']>;

export function isJobName(name: string): name is TJobName {
  return Object.hasOwn(catalog, name);
}
