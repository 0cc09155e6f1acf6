import { UnrecoverableError } from 'bullmq';
import { beforeAll, describe, expect, it } from 'vitest';
import { closedSmtpUrl, openMailbox, type TMailbox } from '../../../ops/src/testing/mailbox.js';
import { createMailer, MailDisabledError, type TMailer } from './mailer.js';

// A real SMTP dialogue with the sink the test command runs: what the workers send is what a relay would receive.
describe('mailer', () => {
  let sink: TMailbox;
  let mailer: TMailer;
  const message = (to: string) => ({
    to,
    subject: 'La tua dotazione è pronta',
    text: 'Ciao, è pronta.\n.\nUna riga con un punto solo sopra.',
    html: '<p>Ciao, è pronta.</p>',
  });

  beforeAll(() => {
    sink = openMailbox('mailer');
    mailer = createMailer({ smtpUrl: sink.url, from: 'Varco <varco@comune.example.it>' });
  });

  it('delivers text and HTML parts, marked as automatic, with a stable Message-ID', async () => {
    const { messageId } = await mailer.send({ ...message('mario.rossi@comune.example.it'), idempotencyKey: 'obx_123' });
    expect(messageId).toBe('<obx_123@comune.example.it>');
    const received = await sink.waitFor((m) => m.to.includes('mario.rossi@comune.example.it'), 5000);
    expect(received.from).toBe('varco@comune.example.it');
    expect(received.subject).toBe('La tua dotazione è pronta');
    // A line holding only "." must survive SMTP's dot-stuffing.
    expect(received.text.trim()).toBe('Ciao, è pronta.\n.\nUna riga con un punto solo sopra.');
    expect(received.html).toContain('<p>Ciao, è pronta.</p>');
    expect(received.headers['auto-submitted']).toBe('auto-generated');
    expect(received.headers['message-id']).toBe('<obx_123@comune.example.it>');
  });

  it('authenticates with the credentials in the URL', async () => {
    // The sink files mail by the AUTH user name: arriving in this mailbox proves the client authenticated as it.
    const other = openMailbox('varco');
    const withAuth = createMailer({ smtpUrl: `smtp://${other.name}:s3cret@127.0.0.1:${other.port}`, from: 'varco@comune.example.it' });
    await withAuth.send(message('auth@comune.example.it'));
    expect((await other.waitFor((m) => m.to.includes('auth@comune.example.it'), 5000)).mailbox).toBe(other.name);
    expect((await sink.messages()).filter((m) => m.to.includes('auth@comune.example.it'))).toHaveLength(0);
  });

  it('refuses to send when no SMTP server is configured, with an error jobs can recognise', async () => {
    const disabled = createMailer(null);
    expect(disabled.enabled).toBe(false);
    await expect(disabled.send(message('x@comune.example.it'))).rejects.toBeInstanceOf(MailDisabledError);
  });

  it('treats greylisting, an unavailable relay and a closed port as temporary, an unknown mailbox as permanent', async () => {
    try {
      await sink.setFailing('reject-451');
      const greylisted = await mailer.send(message('later@comune.example.it')).catch((err: unknown) => err);
      expect(greylisted).toBeInstanceOf(Error);
      expect(greylisted).not.toBeInstanceOf(UnrecoverableError);
      expect((greylisted as Error).message).toContain('451');

      await sink.setFailing('reject-550');
      const unknown = await mailer.send(message('nobody@comune.example.it')).catch((err: unknown) => err);
      expect(unknown).toBeInstanceOf(UnrecoverableError);

      await sink.setFailing('unavailable-421');
      const unavailable = await mailer.send(message('maintenance@comune.example.it')).catch((err: unknown) => err);
      expect(unavailable).toBeInstanceOf(Error);
      expect(unavailable).not.toBeInstanceOf(UnrecoverableError);
      expect((unavailable as Error).message).toContain('421');

      // Nobody listening at all: refused at once (no timeout to wait out), and retried later.
      const closed = createMailer({ smtpUrl: await closedSmtpUrl(), from: 'varco@comune.example.it' });
      const down = await closed.send(message('down@comune.example.it')).catch((err: unknown) => err);
      expect(down).toBeInstanceOf(Error);
      expect(down).not.toBeInstanceOf(UnrecoverableError);
      expect((down as Error & { code?: string }).code).toBe('ESOCKET');
      expect((down as Error).message).toContain('ECONNREFUSED');
    } finally {
      await sink.setFailing('none');
    }
    expect((await sink.messages()).filter((m) => /later|nobody|maintenance|down/.test(m.to.join()))).toHaveLength(0);
    await mailer.send(message('back@comune.example.it'));
    await sink.waitFor((m) => m.to.includes('back@comune.example.it'), 5000);
  });
});
