import { describe, expect, it } from 'vitest';
import {
  escapeHtml,
  formatRequestNumber,
  RECIPIENT_OF,
  renderRequestMail,
  requestLink,
  templateForAction,
  type TRequestMailData,
  type TRequestMailTemplate,
} from './templates.js';

const data: TRequestMailData = {
  requestId: 'req_01HZX',
  number: 123,
  createdAt: new Date('2026-03-04T10:00:00Z'),
  employeeName: 'Mario Rossi',
  recipientName: 'Giulia Bianchi',
  actorName: 'Giulia Bianchi',
  comment: null,
  kinds: ['vpn', 'laptop'],
  publicUrl: 'https://varco.example.it/',
};

const TEMPLATES = Object.keys(RECIPIENT_OF) as TRequestMailTemplate[];

describe('formatRequestNumber', () => {
  it('pads the number to six digits after the year of creation', () => {
    expect(formatRequestNumber(123, new Date('2026-03-04T10:00:00Z'))).toBe('R-2026-000123');
    expect(formatRequestNumber(1_234_567, new Date('2026-03-04T10:00:00Z'))).toBe('R-2026-1234567');
  });

  it('takes the year in Rome time, not UTC', () => {
    // 23:30 UTC on 31 December is already New Year's Day in Rome.
    expect(formatRequestNumber(7, new Date('2026-12-31T23:30:00Z'))).toBe('R-2027-000007');
  });
});

describe('templateForAction', () => {
  it('mails the steps that concern someone and nothing else', () => {
    expect(templateForAction('submit')).toBe('submitted');
    expect(templateForAction('approve')).toBe('approved');
    expect(templateForAction('reject')).toBe('rejected');
    expect(templateForAction('mark-ready')).toBe('ready_for_installation');
    expect(templateForAction('mark-installed')).toBe('installed');
    for (const action of ['create', 'cancel', 'start-fulfilment', 'accept', 'close', 'toString', '__proto__']) {
      expect(templateForAction(action)).toBeNull();
    }
  });

  it('sends new requests to the manager, requests waiting for HR to HR, and every later step to the employee', () => {
    expect(RECIPIENT_OF.submitted).toBe('manager');
    expect(RECIPIENT_OF.awaiting_hr).toBe('hr');
    for (const template of TEMPLATES.filter((t) => t !== 'submitted' && t !== 'awaiting_hr')) expect(RECIPIENT_OF[template]).toBe('employee');
  });
});

describe('renderRequestMail', () => {
  it('asks the manager to approve, in Italian', () => {
    const mail = renderRequestMail('submitted', 'it', data);
    expect(mail.subject).toBe('Richiesta R-2026-000123 di Mario Rossi da approvare');
    expect(mail.text).toContain('Gentile Giulia Bianchi,');
    expect(mail.text).toContain('accesso VPN, computer portatile');
    expect(mail.text).toContain('https://varco.example.it/requests/req_01HZX');
    expect(mail.html).toContain('<a href="https://varco.example.it/requests/req_01HZX">');
    expect(mail.html).toContain('<html lang="it">');
  });

  it('asks the manager to approve, in English', () => {
    const mail = renderRequestMail('submitted', 'en', data);
    expect(mail.subject).toBe('Request R-2026-000123 from Mario Rossi awaiting your approval');
    expect(mail.text).toContain('VPN access, laptop');
    expect(mail.html).toContain('<html lang="en">');
  });

  it.each([
    ['awaiting_hr', "Richiesta R-2026-000123 di Mario Rossi: conferma dell'accesso VPN", 'Request R-2026-000123 from Mario Rossi: VPN access to confirm'],
    ['approved', 'Richiesta R-2026-000123 approvata', 'Request R-2026-000123 approved'],
    ['rejected', 'Richiesta R-2026-000123 respinta', 'Request R-2026-000123 rejected'],
    ['ready_for_installation', "La tua dotazione è pronta per l'installazione (R-2026-000123)", 'Your equipment is ready for installation (R-2026-000123)'],
    ['installed', 'Dotazione installata: conferma la consegna (R-2026-000123)', 'Equipment installed: please confirm delivery (R-2026-000123)'],
  ] as const)('%s has an Italian and an English version', (template, italian, english) => {
    expect(renderRequestMail(template, 'it', data).subject).toBe(italian);
    expect(renderRequestMail(template, 'en', data).subject).toBe(english);
  });

  it('gives the rejection reason in both parts', () => {
    const mail = renderRequestMail('rejected', 'it', { ...data, comment: 'Manca l’accordo firmato.\nRiprova a maggio.' });
    expect(mail.text).toContain('Motivo:\nManca l’accordo firmato.\nRiprova a maggio.');
    expect(mail.text).toContain('respinta da Giulia Bianchi');
    expect(mail.html).toContain('Manca l’accordo firmato.<br>Riprova a maggio.');
    expect(renderRequestMail('rejected', 'en', { ...data, comment: 'No agreement' }).text).toContain('Reason:\nNo agreement');
  });

  it('escapes every directory and user value in the HTML part', () => {
    const hostile = {
      ...data,
      employeeName: '<img src=x onerror=alert(1)>',
      recipientName: 'Anna "Boss" O\'Hara & co',
      actorName: '<b>Approver</b>',
      comment: '<script>alert("x")</script>',
    };
    for (const template of TEMPLATES) {
      for (const locale of ['it', 'en'] as const) {
        const { html } = renderRequestMail(template, locale, hostile);
        expect(html).not.toMatch(/<script|<img|<b>/);
        expect(html).toContain('Anna &quot;Boss&quot; O&#39;Hara &amp; co');
      }
    }
    const rejected = renderRequestMail('rejected', 'it', hostile);
    expect(rejected.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    // The text part is not HTML: it shows what the person typed.
    expect(rejected.text).toContain('<script>alert("x")</script>');
  });

  it('keeps the subject on one line whatever the directory says', () => {
    const mail = renderRequestMail('submitted', 'it', { ...data, employeeName: 'Mario\r\nBcc: victim@example.org Rossi' });
    expect(mail.subject).toBe('Richiesta R-2026-000123 di Mario Bcc: victim@example.org Rossi da approvare');
    expect(mail.subject).not.toMatch(/[\r\n]/);
  });

  it('names the request without a link when no public URL is configured', () => {
    const mail = renderRequestMail('approved', 'it', { ...data, publicUrl: null });
    expect(mail.text).toContain('Trovi la richiesta R-2026-000123 nella console Varco.');
    expect(mail.text).not.toContain('http');
    expect(mail.html).not.toContain('<a ');
    expect(renderRequestMail('approved', 'en', { ...data, publicUrl: null }).text).toContain('You will find request R-2026-000123');
  });

  it('leaves out "by …" when the actor is unknown', () => {
    expect(renderRequestMail('approved', 'it', { ...data, actorName: null }).text).toContain('è stata approvata.');
    expect(renderRequestMail('approved', 'en', { ...data, actorName: ' ' }).text).toContain('has been approved.');
  });
});

describe('helpers', () => {
  it('escapes the five HTML special characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('builds the request link without a double slash and with an encoded id', () => {
    expect(requestLink('https://varco.example.it//', 'req_1')).toBe('https://varco.example.it/requests/req_1');
    expect(requestLink('https://varco.example.it/console', 'a/b')).toBe('https://varco.example.it/console/requests/a%2Fb');
    expect(requestLink(null, 'req_1')).toBeNull();
  });
});

describe('templates for HR confirmation', () => {
  it('tells HR when the manager approved a VPN request, and the employee "approved" only once HR has confirmed', () => {
    expect(templateForAction('approve', 'awaiting_hr')).toBe('awaiting_hr');
    expect(RECIPIENT_OF[templateForAction('approve', 'awaiting_hr')!]).toBe('hr');
    expect(templateForAction('hr-confirm', 'approved')).toBe('approved');
    expect(templateForAction('approve', 'approved')).toBe('approved');
  });
});
