import { createServer, connect, type Socket } from 'node:net';

/** What the proxy does with a client's SearchRequest: pass it on, or drop the connection in its place. */
export type TSearchVerdict = 'forward' | 'cut';

export interface TLdapProxy {
  /** `ldap://127.0.0.1:<port>`, to use instead of the server's own URL. */
  url: string;
  close(): Promise<void>;
}

const SEARCH_REQUEST = 0x63; // [APPLICATION 3], constructed

/**
 * A loopback TCP proxy in front of a plain-LDAP server that reads the client's requests, for tests that must cut a
 * search at an exact point rather than at whatever moment a callback happens to run. `onSearch` is called with
 * the number of the SearchRequest on its connection (1 for the first page, 2 for the second, …) before it is
 * passed on; `'cut'` withholds it and closes both sides, as a server that died at that point would. Only the
 * client's side is parsed (LDAPMessage framing, RFC 4511 §4.1.1); the server's answers pass through untouched.
 */
export async function startLdapProxy(targetUrl: string, onSearch: (searchNumber: number) => TSearchVerdict): Promise<TLdapProxy> {
  const target = new URL(targetUrl);
  if (target.protocol !== 'ldap:') throw new Error(`startLdapProxy: plain ldap:// only, not ${target.protocol}`);
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    const cut = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', cut);
    upstream.on('close', cut);
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    let pending: Buffer = Buffer.alloc(0);
    let searches = 0;
    client.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      for (let length = messageLength(pending); length !== null; length = messageLength(pending)) {
        if (Number.isNaN(length)) return cut(); // an event handler must not throw: drop the connection instead
        const message = pending.subarray(0, length);
        pending = pending.subarray(length);
        if (operationTag(message) === SEARCH_REQUEST && onSearch(++searches) === 'cut') return cut();
        upstream.write(message);
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('startLdapProxy: no port');
  return {
    url: `ldap://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Total length of the first complete BER element in `buffer` (tag, length, contents), null until it is in, NaN if unreadable. */
function messageLength(buffer: Buffer): number | null {
  if (buffer.length < 2) return null;
  const first = buffer[1]!;
  let header = 2;
  let length = first;
  if (first & 0x80) {
    const octets = first & 0x7f;
    if (octets === 0 || octets > 4) return Number.NaN; // not LDAP as a client sends it
    if (buffer.length < 2 + octets) return null;
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + buffer[2 + i]!;
    header += octets;
  }
  return buffer.length >= header + length ? header + length : null;
}

/** The protocolOp tag of one LDAPMessage: SEQUENCE { messageID INTEGER, protocolOp, … }. */
function operationTag(message: Buffer): number | undefined {
  const header = message[1]! & 0x80 ? 2 + (message[1]! & 0x7f) : 2;
  const idLength = message[header + 1]!; // messageID is at most 2^31 − 1: always a short-form length
  return message[header + 2 + idLength];
}
