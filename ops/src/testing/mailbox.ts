import { randomBytes } from 'node:crypto';
import type { TSinkMessage, TSmtpFailureMode } from './smtp-sink.js';
import { freePort } from './free-port.js';

export type { TSinkMessage, TSmtpFailureMode };

/** A test's own mailbox on the run's SMTP sink: what it sends there, nobody else reads or disturbs. */
export interface TMailbox {
  name: string;
  /** smtp://<name>:x@127.0.0.1:PORT: the mailer config that delivers into this mailbox. */
  url: string;
  port: number;
  messages(): Promise<TSinkMessage[]>;
  /** The first message (already received or arriving within the timeout) that matches. */
  waitFor(predicate: (message: TSinkMessage) => boolean, timeoutMs: number): Promise<TSinkMessage>;
  /** How the sink answers this mailbox's client from now on (the other mailboxes are not affected). */
  setFailing(mode: TSmtpFailureMode): Promise<void>;
}

const POLL_MS = 50;

/**
 * Opens a fresh mailbox on the SMTP sink the test command started (TEST_SMTP_URL, TEST_SMTP_API). Mail is sorted
 * into mailboxes by the SMTP AUTH user name, so each test (or file) configures its mailer with `mailbox.url`.
 */
export function openMailbox(prefix = 'mbx'): TMailbox {
  const smtpUrl = process.env.TEST_SMTP_URL;
  const apiUrl = process.env.TEST_SMTP_API;
  if (!smtpUrl || !apiUrl) throw new Error('TEST_SMTP_URL/TEST_SMTP_API are not set (run the suite with `npm test`)');
  const name = `${prefix}-${randomBytes(6).toString('hex')}`;
  const sink = new URL(smtpUrl);
  const endpoint = `${apiUrl}/mailboxes/${name}`;
  const messages = async (): Promise<TSinkMessage[]> => {
    const res = await fetch(`${endpoint}/messages`);
    if (!res.ok) throw new Error(`smtp sink: ${res.status} ${await res.text()}`);
    return (await res.json()) as TSinkMessage[];
  };
  return {
    name,
    url: `smtp://${name}:x@${sink.host}`,
    port: Number(sink.port),
    messages,
    async waitFor(predicate, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const all = await messages();
        const found = all.find(predicate);
        if (found) return found;
        if (Date.now() > deadline) {
          const subjects = all.map((m) => `"${m.subject}" → ${m.to.join(', ')}`).join('; ') || 'none';
          throw new Error(`no matching message in ${name} within ${timeoutMs} ms (received: ${subjects})`);
        }
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    },
    async setFailing(mode) {
      const res = await fetch(`${endpoint}/failure`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mode }) });
      if (res.status !== 204) throw new Error(`smtp sink: ${res.status} ${await res.text()}`);
    },
  };
}

/** An SMTP URL nobody listens on: a relay that is down (connection refused). */
export async function closedSmtpUrl(): Promise<string> {
  return `smtp://127.0.0.1:${await freePort()}`;
}
