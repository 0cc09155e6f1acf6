import { UnrecoverableError } from 'bullmq';
import nodemailer from 'nodemailer';

export interface TMailConfig {
  /** smtp://user:pass@host:587 (STARTTLS when offered) or smtps://host:465; query options as nodemailer reads them. */
  smtpUrl: string;
  /** The From header, e.g. `Varco <varco@comune.example.it>`. */
  from: string;
}

export interface TMailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /**
   * Becomes the Message-ID (use the job id): if a "250 OK" is lost and the job retries, both copies carry the same
   * id, and many mail systems (Gmail, most IMAP clients' duplicate filters) show one.
   */
  idempotencyKey?: string;
}

export interface TMailer {
  /** false when no SMTP server is configured: every `send` then throws `MailDisabledError`. */
  readonly enabled: boolean;
  send(message: TMailMessage): Promise<{ messageId: string }>;
}

/**
 * Thrown by a disabled mailer. Not a failure: notification jobs catch it and record `{ skipped }`, so an install
 * without SMTP does not fill the queue with jobs failing (and retrying) forever.
 */
export class MailDisabledError extends Error {
  constructor() {
    super('mail disabled: smtp not configured');
    this.name = 'MailDisabledError';
  }
}

// A dead or slow relay must fail the attempt (BullMQ retries it later) rather than hold a worker slot.
const CONNECTION_TIMEOUT_MS = 10_000;
const GREETING_TIMEOUT_MS = 10_000;
const SOCKET_TIMEOUT_MS = 20_000;

export function createMailer(config: TMailConfig | null): TMailer {
  if (!config) {
    return {
      enabled: false,
      send: async () => {
        throw new MailDisabledError();
      },
    };
  }
  const transport = nodemailer.createTransport({
    url: config.smtpUrl,
    connectionTimeout: CONNECTION_TIMEOUT_MS,
    greetingTimeout: GREETING_TIMEOUT_MS,
    socketTimeout: SOCKET_TIMEOUT_MS,
    // Nodemailer's logger would print message contents (personal data); errors still reach the job's result.
    logger: false,
    debug: false,
  });
  const domain = domainOf(config.from);
  return {
    enabled: true,
    async send(message) {
      try {
        const info = await transport.sendMail({
          from: config.from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          html: message.html,
          ...(message.idempotencyKey ? { messageId: `<${message.idempotencyKey}@${domain}>` } : {}),
          // RFC 3834: out-of-office replies must not answer automatic mail; Exchange reads its own header.
          headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' },
          // Our messages have no attachments: never let a path or URL in a message make nodemailer read it.
          disableFileAccess: true,
          disableUrlAccess: true,
        });
        return { messageId: info.messageId };
      } catch (err) {
        throw classifySmtpError(err);
      }
    },
  };
}

/**
 * A 5xx on the envelope or the message (unknown mailbox, message refused) will be refused again: no retries.
 * Everything else (connection refused, timeouts, 4xx greylisting, a bad password an admin can fix) is worth
 * retrying with the job's backoff.
 */
export function classifySmtpError(err: unknown): Error {
  if (!(err instanceof Error)) return new Error(String(err));
  const { code, responseCode } = err as Error & { code?: string; responseCode?: number };
  const permanent = (code === 'EENVELOPE' || code === 'EMESSAGE') && responseCode !== undefined && responseCode >= 500 && responseCode < 600;
  return permanent ? new UnrecoverableError(err.message) : err;
}

/** The host part of the From address, for Message-IDs (RFC 5322 wants a domain the sender controls). */
function domainOf(from: string): string {
  const match = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from);
  return match?.[1] ?? 'varco.invalid';
}
