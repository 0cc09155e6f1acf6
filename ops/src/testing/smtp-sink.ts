import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { freePort } from './free-port.js';

export interface TSinkMessage {
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
  headers: Map<string, unknown>;
  /** The user name of an AUTH, null when the client did not authenticate. */
  authUser: string | null;
}

/**
 * - `reject-451`: every RCPT TO gets "451 try again later" (greylisting, a full queue): the client must retry.
 * - `reject-550`: every RCPT TO gets "550 no such user": retrying cannot help.
 * - `down`: the port is closed (connection refused), as during a relay's maintenance.
 */
export type TSmtpFailureMode = 'none' | 'reject-451' | 'reject-550' | 'down';

export interface TSmtpSink {
  port: number;
  /** smtp://127.0.0.1:PORT, for the mailer's config. */
  url: string;
  messages(): TSinkMessage[];
  /** The first message (already received or arriving within the timeout) that matches. */
  waitFor(predicate: (message: TSinkMessage) => boolean, timeoutMs: number): Promise<TSinkMessage>;
  setFailing(mode: TSmtpFailureMode): Promise<void>;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const ATTEMPTS = 5;

/**
 * A real SMTP server on a free loopback port that keeps what it receives, for tests. Plain SMTP only (no
 * STARTTLS, so the client does not try the library's published test certificate); any AUTH is accepted.
 */
export async function startSmtpSink(): Promise<TSmtpSink> {
  const received: TSinkMessage[] = [];
  const waiters = new Set<() => void>();
  let mode: TSmtpFailureMode = 'none';
  const onMessage = (message: TSinkMessage) => {
    received.push(message);
    for (const wake of waiters) wake();
  };
  const port = await listenOnFreePort(() => mode, onMessage);
  let server: SMTPServer | null = port.server;

  return {
    port: port.port,
    url: `smtp://${HOST}:${port.port}`,
    messages: () => [...received],
    waitFor: (predicate, timeoutMs) => waitForMessage(received, waiters, predicate, timeoutMs),
    async setFailing(next) {
      mode = next;
      if (next === 'down' && server) {
        await closeServer(server);
        server = null;
      } else if (next !== 'down' && !server) {
        server = createSink(() => mode, onMessage);
        await listen(server, port.port);
      }
    },
    async stop() {
      if (server) await closeServer(server);
      server = null;
    },
  };
}

async function listenOnFreePort(mode: () => TSmtpFailureMode, onMessage: (message: TSinkMessage) => void) {
  let lastError: unknown;
  // The port can be taken between freePort() and our bind: retry with another.
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const server = createSink(mode, onMessage);
    const port = await freePort();
    try {
      await listen(server, port);
      return { server, port };
    } catch (err) {
      lastError = err;
    }
  }
  throw new Error(`smtp sink could not listen: ${lastError instanceof Error ? lastError.message : String(lastError)}`);
}

function createSink(mode: () => TSmtpFailureMode, onMessage: (message: TSinkMessage) => void): SMTPServer {
  const server = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    allowInsecureAuth: true,
    closeTimeout: 200,
    onAuth: (auth, _session, callback) => callback(null, { user: auth.username ?? 'anonymous' }),
    onRcptTo(_address, _session, callback) {
      const current = mode();
      if (current === 'reject-451') return callback(smtpError(451, '4.3.0 Temporary failure, try again later'));
      if (current === 'reject-550') return callback(smtpError(550, '5.1.1 No such user here'));
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

async function readMessage(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<TSinkMessage> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const parsed = await simpleParser(raw);
  return {
    from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
    to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
    raw: raw.toString('utf8'),
    subject: parsed.subject ?? '',
    text: parsed.text ?? '',
    html: parsed.html || '',
    headers: parsed.headers,
    authUser: typeof session.user === 'string' ? session.user : null,
  };
}

function smtpError(responseCode: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode });
}

function listen(server: SMTPServer, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.server.once('error', onError);
    server.listen(port, HOST, () => {
      server.server.off('error', onError);
      resolve();
    });
  });
}

/** Stops listening at once; open sessions are cut after `closeTimeout`. */
function closeServer(server: SMTPServer): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

function waitForMessage(
  received: TSinkMessage[],
  waiters: Set<() => void>,
  predicate: (message: TSinkMessage) => boolean,
  timeoutMs: number,
): Promise<TSinkMessage> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const found = received.find(predicate);
      if (!found) return false;
      finish();
      resolve(found);
      return true;
    };
    const timer = setTimeout(() => {
      finish();
      const subjects = received.map((m) => `"${m.subject}" → ${m.to.join(', ')}`).join('; ') || 'none';
      reject(new Error(`no matching message within ${timeoutMs} ms (received: ${subjects})`));
    }, timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      waiters.delete(wake);
    };
    const wake = () => void check();
    waiters.add(wake);
    check();
  });
}
