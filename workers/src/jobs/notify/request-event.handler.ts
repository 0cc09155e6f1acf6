import { UnrecoverableError } from 'bullmq';
import type { TJobContext, TJobHandler } from '../../define-job.js';
import { MailDisabledError } from '../../mail/mailer.js';
import { RECIPIENT_OF, renderRequestMail, templateForAction, type TRequestMailTemplate } from '../../mail/templates.js';
import { loadHrRecipients, loadRequestEventForMail, type TMailPerson, type TRequestEventForMail } from './load-request-event.js';
import type { TRequestEventPayload } from './request-event.js';

/**
 * Sends the e-mail a request event calls for: to the manager, the employee, or every HR confirmer. The result goes
 * to job_runs: addresses, template and languages (enough to answer "was I told?"), never the message body.
 */
export const handleRequestEvent: TJobHandler<TRequestEventPayload> = async (payload, ctx) => {
  const loaded = await loadRequestEventForMail(ctx.db, payload);
  // The outbox row commits with its event, so a missing event is a bug or a deleted request: retrying cannot help.
  if (!loaded) throw new UnrecoverableError(`Request event ${payload.eventId} of ${payload.requestId} not found`);
  const template = loaded.event.itemId === null ? templateForAction(loaded.event.action, loaded.event.toStatus) : null;
  if (!template) return { skipped: `no mail for ${loaded.event.action}` };
  const role = RECIPIENT_OF[template];
  if (role === 'hr') return mailEach(ctx, loaded, template, await loadHrRecipients(ctx.db, { exceptEmployeeId: loaded.employee.id }));
  const recipient = role === 'manager' ? loaded.manager : loaded.employee;
  if (!recipient) return { skipped: `employee ${loaded.employee.id} has no manager`, template };
  if (!recipient.email) return { skipped: `${role} ${recipient.id} has no e-mail address`, template };
  try {
    const { messageId } = await ctx.mailer.send({ to: recipient.email, ...render(ctx, loaded, template, recipient), idempotencyKey: ctx.jobId });
    return { to: recipient.email, template, locale: recipient.locale, messageId };
  } catch (err) {
    if (err instanceof MailDisabledError) return { skipped: 'smtp not configured', template };
    throw err;
  }
};

function render(ctx: TJobContext, loaded: TRequestEventForMail, template: TRequestMailTemplate, recipient: TMailPerson) {
  return renderRequestMail(template, recipient.locale, {
    requestId: loaded.request.id,
    number: loaded.request.number,
    createdAt: loaded.request.createdAt,
    employeeName: loaded.employee.name,
    recipientName: recipient.name,
    actorName: loaded.event.actorName,
    comment: loaded.event.comment,
    kinds: loaded.kinds,
    publicUrl: ctx.publicUrl,
  });
}

/**
 * One mail per person, each in their language. A retry after a partial failure sends again to those already
 * mailed, with the same Message-ID per person (job id + person), which mail systems show once.
 */
async function mailEach(ctx: TJobContext, loaded: TRequestEventForMail, template: TRequestMailTemplate, people: TMailPerson[]) {
  const reachable = people.filter((person): person is TMailPerson & { email: string } => person.email !== null);
  if (reachable.length === 0) return { skipped: people.length ? 'no HR confirmer has an e-mail address' : 'nobody has the hr role', template };
  try {
    const sent = [];
    for (const person of reachable) {
      const { messageId } = await ctx.mailer.send({ to: person.email, ...render(ctx, loaded, template, person), idempotencyKey: `${ctx.jobId}.${person.id}` });
      sent.push({ to: person.email, locale: person.locale, messageId });
    }
    return { template, sent };
  } catch (err) {
    if (err instanceof MailDisabledError) return { skipped: 'smtp not configured', template };
    throw err;
  }
}
