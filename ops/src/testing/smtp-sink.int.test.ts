import { createMailer } from '@varco/workers';
import { describe, expect, it } from 'vitest';
import { openMailbox, type TMailbox } from './mailbox.js';

/** The run's SMTP sink keeps each test's mail and failures to itself: parallel files must not see each other. */
describe('the SMTP sink the test command starts', () => {
  const send = (mailbox: TMailbox, to: string) =>
    createMailer({ smtpUrl: mailbox.url, from: 'varco@comune.example.it' }).send({ to, subject: `per ${to}`, text: 'Ciao', html: '<p>Ciao</p>' });

  it('files mail by mailbox and applies a failure mode to its own mailbox only', async () => {
    const [first, second] = [openMailbox('sink-a'), openMailbox('sink-b')];
    await first.setFailing('reject-451');
    const refused = await send(first, 'uno@comune.example.it').catch((err: unknown) => err as Error & { responseCode?: number });
    expect(refused).toMatchObject({ responseCode: 451 });
    await send(second, 'due@comune.example.it');
    expect((await second.waitFor((m) => m.to.includes('due@comune.example.it'), 5000)).mailbox).toBe(second.name);
    expect(await first.messages()).toEqual([]);

    await first.setFailing('unavailable-421');
    expect(await send(first, 'uno@comune.example.it').catch((err: unknown) => err)).toMatchObject({ responseCode: 421 });
    await first.setFailing('none');
    await send(first, 'uno@comune.example.it');
    expect((await first.messages()).map((m) => m.to)).toEqual([['uno@comune.example.it']]);
    expect((await second.messages()).map((m) => m.to)).toEqual([['due@comune.example.it']]);
  });

  it('refuses an unknown failure mode', async () => {
    const mailbox = openMailbox('sink-c');
    await expect(mailbox.setFailing('explode' as never)).rejects.toThrow(/400/);
  });
});
