/**
 * The e-mails of the kit request workflow, in Italian and English. Pure functions: the notify job loads the data,
 * these turn it into a subject and matching text and HTML parts. Names and comments come from the directory and
 * from users, so every value is escaped in the HTML part and kept on one line in the subject.
 */
export type TMailLocale = 'it' | 'en';
export type TRequestMailTemplate = 'submitted' | 'awaiting_hr' | 'approved' | 'rejected' | 'ready_for_installation' | 'installed';

/** The workflow actions that mail someone; every other action (create, cancel, close…) sends nothing. */
const TEMPLATE_FOR_ACTION: Readonly<Record<string, TRequestMailTemplate>> = {
  submit: 'submitted',
  approve: 'approved',
  'hr-confirm': 'approved',
  reject: 'rejected',
  'mark-ready': 'ready_for_installation',
  'mark-installed': 'installed',
};

/** A new request goes to whoever must approve it, a VPN request the manager approved to HR (when HR confirms VPN
 * access); every later step concerns the employee. */
export const RECIPIENT_OF: Readonly<Record<TRequestMailTemplate, 'manager' | 'hr' | 'employee'>> = {
  submitted: 'manager',
  awaiting_hr: 'hr',
  approved: 'employee',
  rejected: 'employee',
  ready_for_installation: 'employee',
  installed: 'employee',
};

export function templateForAction(action: string, toStatus: string | null = null): TRequestMailTemplate | null {
  // The manager's approval of a VPN request that HR must still confirm is not "approved" yet for the employee:
  // it is HR's turn, and they are the ones told.
  if (action === 'approve' && toStatus === 'awaiting_hr') return 'awaiting_hr';
  return Object.hasOwn(TEMPLATE_FOR_ACTION, action) ? TEMPLATE_FOR_ACTION[action]! : null;
}

export interface TRequestMailData {
  requestId: string;
  /** The request's identity number and creation time: together they make R-2026-000123. */
  number: number;
  createdAt: Date;
  employeeName: string;
  recipientName: string;
  /** Who took the step (approver, hot-line operator), as the timeline recorded it. */
  actorName: string | null;
  /** The rejection reason, or the approver's note. */
  comment: string | null;
  /** Item kinds of the request (vpn, laptop…). */
  kinds: readonly string[];
  /** The console's base URL; without it the mail names the request but has no link. */
  publicUrl: string | null;
}

export interface TRenderedMail {
  subject: string;
  text: string;
  html: string;
}

/** The request number people quote on the phone: R-<year of creation, Rome time>-<number padded to 6>. */
export function formatRequestNumber(number: number, createdAt: Date): string {
  const year = new Intl.DateTimeFormat('en', { timeZone: 'Europe/Rome', year: 'numeric' }).format(createdAt);
  return `R-${year}-${String(number).padStart(6, '0')}`;
}

export function requestLink(publicUrl: string | null, requestId: string): string | null {
  return publicUrl ? `${publicUrl.replace(/\/+$/, '')}/requests/${encodeURIComponent(requestId)}` : null;
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => HTML_ENTITIES[ch]!);
}

const HTML_ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Same labels as the console (web i18n `technology.*`). */
const KIND_LABELS: Readonly<Record<TMailLocale, Readonly<Record<string, string>>>> = {
  it: {
    vpn: 'accesso VPN',
    laptop: 'computer portatile',
    'docking-kit': 'docking station con monitor, tastiera e mouse',
    webcam: 'webcam',
    headset: 'cuffie con microfono',
    'mobile-router': 'router mobile',
    softphone: 'telefono VoIP (softphone)',
  },
  en: {
    vpn: 'VPN access',
    laptop: 'laptop',
    'docking-kit': 'docking station with screen, keyboard and mouse',
    webcam: 'webcam',
    headset: 'headset with microphone',
    'mobile-router': 'mobile router',
    softphone: 'VoIP phone (softphone)',
  },
};

/** What each template says; plain text only (the renderer escapes it for HTML). */
interface TMailContent {
  subject: string;
  paragraphs: string[];
  /** Shown set apart (the reason of a rejection, an approver's note). */
  comment?: { label: string; value: string };
  /** The label of the link to the request. */
  action: string;
}

interface TValues {
  number: string;
  employee: string;
  kinds: string;
  /** " da Mario Rossi" / " by Mario Rossi", or "" when the actor is unknown. */
  by: string;
  comment: string | null;
}

type TCopy = Record<TRequestMailTemplate, (v: TValues) => TMailContent>;

const note = (label: string, value: string | null) => (value?.trim() ? { comment: { label, value } } : {});

const IT: TCopy = {
  submitted: (v) => ({
    subject: `Richiesta ${v.number} di ${v.employee} da approvare`,
    paragraphs: [`${v.employee} ha inviato la richiesta di dotazione ${v.number}: ${v.kinds}.`, 'La richiesta attende la tua approvazione.'],
    ...note('Nota del dipendente', v.comment),
    action: 'Apri la richiesta per approvarla o respingerla',
  }),
  awaiting_hr: (v) => ({
    subject: `Richiesta ${v.number} di ${v.employee}: conferma dell'accesso VPN`,
    paragraphs: [
      `Il responsabile ha approvato${v.by} la richiesta di dotazione ${v.number} di ${v.employee}: ${v.kinds}.`,
      "L'accesso VPN attende la conferma dell'Ufficio Risorse Umane.",
    ],
    ...note('Nota del responsabile', v.comment),
    action: 'Apri la richiesta per confermarla o respingerla',
  }),
  approved: (v) => ({
    subject: `Richiesta ${v.number} approvata`,
    paragraphs: [
      `La tua richiesta ${v.number} (${v.kinds}) è stata approvata${v.by}.`,
      "La hot-line preparerà la dotazione e ti scriverà quando sarà pronta per l'installazione.",
    ],
    ...note('Nota', v.comment),
    action: 'Segui la richiesta',
  }),
  rejected: (v) => ({
    subject: `Richiesta ${v.number} respinta`,
    paragraphs: [`La tua richiesta ${v.number} (${v.kinds}) è stata respinta${v.by}.`, 'Per chiarimenti rivolgiti al tuo responsabile.'],
    ...note('Motivo', v.comment),
    action: 'Apri la richiesta',
  }),
  ready_for_installation: (v) => ({
    subject: `La tua dotazione è pronta per l'installazione (${v.number})`,
    paragraphs: [`La dotazione della richiesta ${v.number} (${v.kinds}) è pronta.`, "La hot-line ti contatterà per concordare l'installazione."],
    action: 'Segui la richiesta',
  }),
  installed: (v) => ({
    subject: `Dotazione installata: conferma la consegna (${v.number})`,
    paragraphs: [
      `La dotazione della richiesta ${v.number} (${v.kinds}) è stata installata${v.by}.`,
      'Controlla che sia tutto in ordine e conferma la consegna nella pagina della richiesta: la conferma registra la data, gli oggetti e i numeri di serie ricevuti.',
    ],
    action: 'Conferma la consegna',
  }),
};

const EN: TCopy = {
  submitted: (v) => ({
    subject: `Request ${v.number} from ${v.employee} awaiting your approval`,
    paragraphs: [`${v.employee} has submitted equipment request ${v.number}: ${v.kinds}.`, 'The request is waiting for your approval.'],
    ...note("Employee's note", v.comment),
    action: 'Open the request to approve or reject it',
  }),
  awaiting_hr: (v) => ({
    subject: `Request ${v.number} from ${v.employee}: VPN access to confirm`,
    paragraphs: [
      `The manager has approved${v.by} equipment request ${v.number} from ${v.employee}: ${v.kinds}.`,
      'The VPN access is waiting for confirmation by Human Resources.',
    ],
    ...note("Manager's note", v.comment),
    action: 'Open the request to confirm or reject it',
  }),
  approved: (v) => ({
    subject: `Request ${v.number} approved`,
    paragraphs: [
      `Your request ${v.number} (${v.kinds}) has been approved${v.by}.`,
      'The help desk will prepare your equipment and write to you when it is ready for installation.',
    ],
    ...note('Note', v.comment),
    action: 'Follow your request',
  }),
  rejected: (v) => ({
    subject: `Request ${v.number} rejected`,
    paragraphs: [`Your request ${v.number} (${v.kinds}) has been rejected${v.by}.`, 'If you have questions, please ask your manager.'],
    ...note('Reason', v.comment),
    action: 'Open the request',
  }),
  ready_for_installation: (v) => ({
    subject: `Your equipment is ready for installation (${v.number})`,
    paragraphs: [`The equipment for request ${v.number} (${v.kinds}) is ready.`, 'The help desk will contact you to arrange the installation.'],
    action: 'Follow your request',
  }),
  installed: (v) => ({
    subject: `Equipment installed: please confirm delivery (${v.number})`,
    paragraphs: [
      `The equipment for request ${v.number} (${v.kinds}) has been installed${v.by}.`,
      'Please check that everything is in order and accept the delivery on the request page: your acceptance records the date, the items and their serial numbers.',
    ],
    action: 'Accept the delivery',
  }),
};

const FRAME: Readonly<Record<TMailLocale, { greeting: (name: string) => string; noLink: (number: string) => string; footer: string }>> = {
  it: {
    greeting: (name) => `Gentile ${name},`,
    noLink: (number) => `Trovi la richiesta ${number} nella console Varco.`,
    footer: 'Messaggio automatico inviato da Varco: non rispondere a questo indirizzo.',
  },
  en: {
    greeting: (name) => `Dear ${name},`,
    noLink: (number) => `You will find request ${number} in the Varco console.`,
    footer: 'Automatic message from Varco: please do not reply to this address.',
  },
};

export function renderRequestMail(template: TRequestMailTemplate, locale: TMailLocale, data: TRequestMailData): TRenderedMail {
  const number = formatRequestNumber(data.number, data.createdAt);
  const actor = data.actorName?.trim();
  const values: TValues = {
    number,
    employee: data.employeeName,
    kinds: data.kinds.map((kind) => KIND_LABELS[locale][kind] ?? kind).join(', '),
    by: actor ? `${locale === 'it' ? ' da' : ' by'} ${actor}` : '',
    comment: data.comment,
  };
  const content = (locale === 'it' ? IT : EN)[template](values);
  const frame = FRAME[locale];
  const frameValues: TFrameValues = {
    greeting: frame.greeting(data.recipientName),
    link: requestLink(data.publicUrl, data.requestId),
    noLink: frame.noLink(number),
    footer: frame.footer,
  };
  // Directory names could carry line breaks: a subject is one header line.
  const subject = toOneLine(content.subject);
  return { subject, text: renderText(content, frameValues), html: renderHtml(content, { ...frameValues, subject, locale }) };
}

interface TFrameValues {
  greeting: string;
  link: string | null;
  noLink: string;
  footer: string;
}

function renderText(content: TMailContent, frame: TFrameValues): string {
  const blocks = [frame.greeting, ...content.paragraphs];
  if (content.comment) blocks.push(`${content.comment.label}:\n${content.comment.value}`);
  blocks.push(frame.link ? `${content.action}:\n${frame.link}` : frame.noLink);
  return `${blocks.join('\n\n')}\n\n-- \n${frame.footer}\n`;
}

function renderHtml(content: TMailContent, frame: TFrameValues & { subject: string; locale: TMailLocale }): string {
  const paragraph = (value: string) => `<p>${escapeHtml(value)}</p>`;
  const parts = [paragraph(frame.greeting), ...content.paragraphs.map(paragraph)];
  if (content.comment) {
    const lines = escapeHtml(content.comment.value).replace(/\r?\n/g, '<br>');
    parts.push(`<p><strong>${escapeHtml(content.comment.label)}:</strong></p>`);
    parts.push(`<blockquote style="margin:0 0 1em;padding:0.5em 1em;border-left:3px solid #c7c7c7">${lines}</blockquote>`);
  }
  parts.push(frame.link ? `<p><a href="${escapeHtml(frame.link)}">${escapeHtml(content.action)}</a></p>` : paragraph(frame.noLink));
  parts.push(`<p style="color:#666;font-size:0.9em">${escapeHtml(frame.footer)}</p>`);
  return [
    '<!doctype html>',
    `<html lang="${frame.locale}"><head><meta charset="utf-8"><title>${escapeHtml(frame.subject)}</title></head>`,
    '<body style="font-family:Arial,Helvetica,sans-serif;line-height:1.5;color:#1a1a1a">',
    ...parts,
    '</body></html>',
    '',
  ].join('\n');
}

function toOneLine(value: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
  return value.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s{2,}/g, ' ').trim();
}
