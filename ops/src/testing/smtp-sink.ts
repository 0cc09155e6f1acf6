import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Server } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

/** One message as the sink received it; plain JSON, so tests read it through the sink's HTTP API. */
export interface TSinkMessage {
  /** The mailbox: the user name the client authenticated with, `anonymous` without AUTH. */
  mailbox: string;
  /** Envelope sender (MAIL FROM). */
  from: string;
  /** Envelope recipients (RCPT TO). */
  to: string[];
  /** The message as received, after dot-unstuffing. */
  raw: string;
  subject: string;
  text: string;
  /** The decoded HTML part, '' when there is none. */
  html: string;
  /** Header name (lower case) → parsed value. */
  headers: Record<string, unknown>;
}

/**
 * What a mailbox's client meets (per mailbox, so parallel test files do not disturb each other):
 * - `reject-451`: every RCPT TO gets "451 try again later" (greylisting, a full queue): the client must retry.
 * - `reject-550`: every RCPT TO gets "550 no such user": retrying cannot help.
 * - `unavailable-421`: the relay answers "421 service not available" and closes the connection (maintenance).
 * A relay that is down altogether (connection refused) is a closed port: tests point a mailer at one.
 */
export const SMTP_FAILURE_MODES = ['none', 'reject-451', 'reject-550', 'unavailable-421'] as const;
export type TSmtpFailureMode = (typeof SMTP_FAILURE_MODES)[number];

export interface TSmtpSinkServer {
  /** smtp://127.0.0.1:PORT — tests put a mailbox name and any password in it (see mailbox.ts). */
  smtpUrl: string;
  /** http://127.0.0.1:PORT — GET /mailboxes/<name>/messages, PUT /mailboxes/<name>/failure {mode}. */
  apiUrl: string;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
export const ANONYMOUS_MAILBOX = 'anonymous';

/**
 * One SMTP sink for the whole test run, started by the test command (ops/src/test-runner.ts): a real SMTP server
 * on a free loopback port that keeps what it receives, sorted into mailboxes by the AUTH user name, and a small
 * HTTP API to read a mailbox and set its failure mode. Plain SMTP only (no STARTTLS, so the client does not try
 * the library's published test certificate); any password is accepted.
 */
export async function startSmtpSink(): Promise<TSmtpSinkServer> {
  const received: TSinkMessage[] = [];
  const modes = new Map<string, TSmtpFailureMode>();
  const modeOf = (mailbox: string) => modes.get(mailbox) ?? 'none';
  const smtp = createSink(modeOf, (message) => received.push(message));
  const smtpPort = await listen(smtp.server, () => smtp.listen(0, HOST));
  const api = createServer((req, res) => answer(req, res, { received, modes }));
  const apiPort = await listen(api, () => api.listen(0, HOST));
  return {
    smtpUrl: `smtp://${HOST}:${smtpPort}`,
    apiUrl: `http://${HOST}:${apiPort}`,
    async stop() {
      await Promise.all([new Promise<void>((resolve) => smtp.close(() => resolve())), new Promise<void>((resolve) => api.close(() => resolve()))]);
    },
  };
}

function createSink(modeOf: (mailbox: string) => TSmtpFailureMode, onMessage: (message: TSinkMessage) => void): SMTPServer {
  const server = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    allowInsecureAuth: true,
    closeTimeout: 200,
    onAuth(auth, _session, callback) {
      const mailbox = auth.username ?? ANONYMOUS_MAILBOX;
      if (modeOf(mailbox) === 'unavailable-421') return callback(smtpError(421, '4.3.2 Service not available, closing transmission channel'));
      callback(null, { user: mailbox });
    },
    onRcptTo(_address, session, callback) {
      const mode = modeOf(mailboxOf(session));
      if (mode === 'reject-451') return callback(smtpError(451, '4.3.0 Temporary failure, try again later'));
      if (mode === 'reject-550') return callback(smtpError(550, '5.1.1 No such user here'));
      callback();
    },
    onData(stream, session, callback) {
      readMessage(stream, session).then(
        (message) => {
          onMessage(message);
          callback();
        },
        (err: Error) => callback(smtpError(451, `4.3.0 ${err.message}`)),
      );
    },
  });
  // A client dropping its connection is routine here; without a listener the 'error' event would throw.
  server.on('error', () => {});
  return server;
}

const mailboxOf = (session: SMTPServerSession) => (typeof session.user === 'string' ? session.user : ANONYMOUS_MAILBOX);

async function readMessage(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<TSinkMessage> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const parsed = await simpleParser(raw);
  return {
    mailbox: mailboxOf(session),
    from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
    to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
    raw: raw.toString('utf8'),
    subject: parsed.subject ?? '',
    text: parsed.text ?? '',
    html: parsed.html || '',
    headers: Object.fromEntries(parsed.headers),
  };
}

function smtpError(responseCode: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode });
}

const MAILBOX_PATH = /^\/mailboxes\/([A-Za-z0-9._-]{1,64})\/(messages|failure)$/;

/** The control API: loopback only, for the test processes of this run. */
function answer(req: IncomingMessage, res: ServerResponse, state: { received: TSinkMessage[]; modes: Map<string, TSmtpFailureMode> }): void {
  const match = MAILBOX_PATH.exec(new URL(req.url ?? '/', 'http://sink').pathname);
  const reply = (status: number, body?: unknown) => {
    res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  };
  if (!match) return reply(404, { error: 'no such path' });
  const [, mailbox, what] = match as unknown as [string, string, string];
  if (what === 'messages' && req.method === 'GET') return reply(200, state.received.filter((message) => message.mailbox === mailbox));
  if (what === 'failure' && req.method === 'PUT') {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const mode = (JSON.parse(body || '{}') as { mode?: string }).mode;
      if (!SMTP_FAILURE_MODES.includes(mode as TSmtpFailureMode)) return reply(400, { error: `mode must be one of ${SMTP_FAILURE_MODES.join(', ')}` });
      state.modes.set(mailbox, mode as TSmtpFailureMode);
      reply(204);
    });
    return;
  }
  reply(405, { error: 'method not allowed' });
}

/** Binds (port 0: the kernel picks a free port, no race) and returns the port. */
function listen(server: Server, start: () => void): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.once('listening', () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
    start();
  });
}
