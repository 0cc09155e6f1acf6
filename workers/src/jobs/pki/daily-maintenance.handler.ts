import { UnrecoverableError } from 'bullmq';
import { getCertificateDetail, listOverdueSupersedes, queueExpiryReminders, retireSupersededCertificate, schema, SYSTEM_ACTOR } from '@varco/db';
import { eq } from 'drizzle-orm';
import type { TJobHandler } from '../../define-job.js';
import { MailDisabledError } from '../../mail/mailer.js';
import { PKI_DEFAULTS } from '../../pki-runtime/settings.js';
import type { z } from 'zod';
import type { ZExpiryReminderPayload, ZPkiDailyPayload } from './daily-maintenance.js';

export const handlePkiDaily: TJobHandler<z.infer<typeof ZPkiDailyPayload>> = async (_payload, ctx) => {
  const now = new Date();
  let retired = 0;
  for (const renewal of await listOverdueSupersedes(ctx.db, { now })) {
    // Each retirement is its own transaction with its own CRL job (revokeCertificateInTx queues it).
    if (await retireSupersededCertificate(ctx.db, { renewalId: renewal.id, actor: { ...SYSTEM_ACTOR, username: 'pki-daily' } })) retired++;
  }
  const reminders = await queueExpiryReminders(ctx.db, { now, withinDays: ctx.pki?.expiryWarningDays ?? PKI_DEFAULTS.expiryWarningDays });
  return { retired, reminders };
};

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export const handleExpiryReminder: TJobHandler<z.infer<typeof ZExpiryReminderPayload>> = async (payload, ctx) => {
  const found = await getCertificateDetail(ctx.db, { id: payload.certificateId });
  if (!found) throw new UnrecoverableError(`Certificate ${payload.certificateId} not found`);
  const { certificate } = found;
  if (certificate.status !== 'issued' || !certificate.notAfter || !certificate.employeeId) return { skipped: `certificate is ${certificate.status}` };
  const [employee] = await ctx.db.select().from(schema.employees).where(eq(schema.employees.id, certificate.employeeId));
  if (!employee?.email) return { skipped: 'the employee has no e-mail address' };
  const day = certificate.notAfter.toISOString().slice(0, 10);
  const station = found.assetTag ?? certificate.commonName;
  const text = [
    `Gentile ${employee.firstName} ${employee.lastName},`,
    `il certificato VPN della postazione ${station} scade il ${day}. Contatti l'help desk per rinnovarlo.`,
    '',
    `Dear ${employee.firstName} ${employee.lastName},`,
    `the VPN certificate of workstation ${station} expires on ${day}. Please contact the help desk to renew it.`,
  ].join('\n');
  try {
    const { messageId } = await ctx.mailer.send({
      to: employee.email,
      subject: `Certificato VPN in scadenza / VPN certificate expiring — ${station}`,
      text,
      html: `<p>${escapeHtml(text).replace(/\n/g, '<br>')}</p>`,
      idempotencyKey: ctx.jobId,
    });
    return { to: employee.email, messageId };
  } catch (err) {
    if (err instanceof MailDisabledError) return { skipped: 'smtp not configured' };
    throw err;
  }
};
