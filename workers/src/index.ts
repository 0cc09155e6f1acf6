export { catalog, isJobName, type TJobName, type TJobPayload } from './catalog.js';
export { QUEUES } from './define-job.js';
export { createProducer, type TProducer } from './producer.js';
export { startWorkers, loadHandlers, type TWorkers, type TWorkerLogger } from './runtime.js';
export { relayOutboxOnce, startOutboxRelay } from './outbox-relay.js';
export { createMailer, MailDisabledError, type TMailConfig, type TMailer, type TMailMessage } from './mail/mailer.js';
// Directory sync: settings built by ops from the environment, the console's connection test.
export { DEFAULT_SYNC_SCHEDULE, type TDirectorySyncSettings } from './directory/settings.js';
export { parseDirectorySyncConfig, type TDirectorySyncConfigInput } from './directory/config.js';
export { checkDirectoryConnection } from './directory/check-connection.js';
export type { TPkiSettings } from './pki-runtime/settings.js';
