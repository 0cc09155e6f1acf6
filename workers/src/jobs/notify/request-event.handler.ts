import { UnrecoverableError } from 'bullmq';
import type { TJobHandler } from '../../define-job.js';
import { MailDisabledError } from '../../mail/mailer.js';
import { RECIPIENT_OF, renderRequestMail, templateForAction } from '../../mail/templates.js';
import { loadRequestEventForMail } from './load-request-event.js';
import type { TRequestEventPayload } from './request-event.js';

/**
 * Sends the one e-mail a request event calls for. The result goes to job_runs: the address, template and
 * language (enough to answer "was I told?"), never the message body.
 */
export const handleRequestEvent: TJobHandler<TRequestEventPayload> = async (payload, ctx) => {
  const loaded = await loadRequestEventForMail(ctx.db, payload);
  // The outbox row commits with its event, so a missing event is a bug or a deleted request: retrying cannot help.
  if (!loaded) throw new UnrecoverableError(`Request event ${payload.eventId} of ${payload.requestId} not found`);
  const { event, request } = loaded;
  const template = event.itemId === null ? templateForAction(event.action, event.toStatus) : null;
  if (!template) return { skipped: `no mail for ${event.action}` };
  const role = RECIPIENT_OF[template];
  const recipient = role === 'manager' ? loaded.manager : loaded.employee;
  if (!recipient) return { skipped: `employee ${loaded.employee.id} has no manager`, template };
  if (!recipient.email) return { skipped: `${role} ${recipient.id} has no e-mail address`, template };
  const mail = renderRequestMail(template, recipient.locale, {
    requestId: request.id,
    number: request.number,
    createdAt: request.createdAt,
    employeeName: loaded.employee.name,
    recipientName: recipient.name,
    actorName: event.actorName,
    comment: event.comment,
    kinds: loaded.kinds,
    publicUrl: ctx.publicUrl,
  });
  try {
    const { messageId } = await ctx.mailer.send({ to: recipient.email, ...mail, idempotencyKey: ctx.jobId });
    return { to: recipient.email, template, locale: recipient.locale, messageId };
  } catch (err) {
    if (err instanceof MailDisabledError) return { skipped: 'smtp not configured', template };
    throw err;
  }
};
