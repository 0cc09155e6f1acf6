export { catalog, isJobName, type TJobName, type TJobPayload } from './catalog.js';
export { QUEUES } from './define-job.js';
export { createProducer, type TProducer } from './producer.js';
export { startWorkers, loadHandlers, type TWorkers, type TWorkerLogger } from './runtime.js';
export { relayOutboxOnce, startOutboxRelay } from './outbox-relay.js';
export { createMailer, MailDisabledError, type TMailConfig, type TMailer, type TMailMessage } from './mail/mailer.js';
