/**
 * A lean paged search for directory sync: ldapts opens, secures and binds the connection; this module sends the
 * paged SearchRequests (encoded by ldapts's own SearchRequest / PagedResultsControl) and decodes the answers itself,
 * straight from the socket's bytes into ldapts-shaped `Entry` objects, as they arrive.
 *
 * Why (ARCHITECTURE.md, "Directory sync: the read path"): ldapts keeps every message of a page as a SearchEntry with
 * one Attribute object, one Buffer and one decoded copy per value, and converts the page only when its last entry
 * arrived. At 100,000 people that object graph lives long enough to be promoted by the young-generation GC, and a
 * no-change resync spent more time in decoding and collecting than slapd spends answering. Here an entry is one
 * plain object of strings, handed on as soon as its chunk arrived.
 *
 * Same contract as ldapts's `searchPaginated` for the reader (read-directory.ts):
 * - one page ahead at most: the request for page n+1 leaves when page n is done, unless more than a page of entries
 *   is still waiting for the consumer (it leaves once the consumer caught up), so memory is bounded by two pages;
 * - a result code other than success throws an error with the numeric `code` (size limit 4, no such object 32, …);
 *   the connection closing or failing before the last page throws (`Connection closed …` / the socket's error); a
 *   page that takes longer than `timeoutMs` destroys the socket and throws `SearchRequest: Operation timed out`,
 *   which read-directory classifies exactly as it classifies ldapts's errors;
 * - continuation references and intermediate responses are skipped (ldapts collects references; the reader never
 *   used them); a notice of disconnection (message id 0) is a closed connection.
 *
 * It needs two ldapts internals (the connected socket and its data handler, detached while the search runs and put
 * back after a complete search). `pagedSearch` returns null when the installed ldapts does not have them: the reader
 * then uses `searchPaginated`, slower but the same results (a test pins the fast path to the installed version).
 */
import type { Socket } from 'node:net';
import { PagedResultsControl, SearchRequest, type Client, type Entry, type Filter } from 'ldapts';

export interface TPagedSearchOptions {
  baseDn: string;
  filter: Filter;
  attributes: string[];
  pageSize: number;
  /** Sent to the server (seconds, per page); 0 = no limit. */
  timeLimit: number;
  /** Client-side bound on each page's answer (ms). */
  timeoutMs: number;
  /** Called when a page is complete, with the number of entries it held. */
  onPage?: (entries: number) => void;
}

/** An LDAP result other than success, with its numeric result code (RFC 4511) as ldapts's errors carry it. */
export class LdapResultError extends Error {
  override name = 'LdapResultError';
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

interface TClientInternals {
  socket?: Socket;
  socketDataHandler?: (data: Buffer) => void;
}

const PAGED_RESULTS_OID = PagedResultsControl.type;
const TAG = {
  sequence: 0x30,
  set: 0x31,
  integer: 0x02,
  octetString: 0x04,
  enumerated: 0x0a,
  boolean: 0x01,
  searchEntry: 0x64,
  searchDone: 0x65,
  searchReference: 0x73,
  extendedResponse: 0x78,
  intermediateResponse: 0x79,
  controls: 0xa0,
} as const;
/** Message ids ldapts never reaches on one connection before unbind (it starts at 1 and counts up). */
const FIRST_MESSAGE_ID = 0x40000000;

class ProtocolError extends Error {
  override name = 'LdapProtocolError';
}

/** The socket ldapts connected and bound, when this ldapts exposes it as expected; else null. */
function takeOver(client: Client): { socket: Socket; handler: (data: Buffer) => void } | null {
  const internals = client as unknown as TClientInternals;
  const { socket, socketDataHandler: handler } = internals;
  if (!client.isConnected || !socket || typeof handler !== 'function' || !socket.listeners('data').includes(handler)) return null;
  return { socket, handler };
}

/** Batches of entries as they arrive (every entry of every page, in order), or null: use `searchPaginated`. */
export function pagedSearch(client: Client, options: TPagedSearchOptions): AsyncGenerator<Entry[], void, undefined> | null {
  const connection = takeOver(client);
  return connection ? run(connection.socket, connection.handler, options) : null;
}

async function* run(socket: Socket, ldaptsHandler: (data: Buffer) => void, options: TPagedSearchOptions): AsyncGenerator<Entry[], void, undefined> {
  const decoder = new ResponseDecoder();
  let queue: Entry[] = [];
  let failure: Error | null = null;
  let done = false;
  let waiting: (() => void) | null = null;
  let messageId = FIRST_MESSAGE_ID;
  let cookie: Buffer | null = null;
  /** A page is done and the next one is due, but the consumer is more than a page behind. */
  let nextDue = false;
  let pageEntries = 0;
  let timer: NodeJS.Timeout | undefined;

  const wake = () => {
    const resolve = waiting;
    waiting = null;
    resolve?.();
  };
  const fail = (error: Error) => {
    failure ??= error;
    clearTimeout(timer);
    wake();
  };
  const send = () => {
    messageId += 1;
    nextDue = false;
    const controls = [new PagedResultsControl({ value: { size: options.pageSize, ...(cookie ? { cookie } : {}) } })];
    const request = new SearchRequest({
      messageId,
      baseDN: options.baseDn,
      scope: 'sub',
      filter: options.filter,
      attributes: options.attributes,
      sizeLimit: 0,
      timeLimit: options.timeLimit,
      controls,
    });
    clearTimeout(timer);
    timer = setTimeout(() => {
      socket.destroy();
      fail(new Error('SearchRequest: Operation timed out'));
    }, options.timeoutMs);
    socket.write(request.write());
  };
  const onData = (chunk: Buffer) => {
    if (failure || done) return;
    try {
      decoder.push(chunk, (message) => {
        if (message.id !== messageId) {
          if (message.id === 0) throw new Error('Connection closed by the server (notice of disconnection)');
          throw new ProtocolError(`unexpected message id ${message.id}`);
        }
        if (message.kind === 'entry') {
          queue.push(message.entry);
          pageEntries += 1;
          return;
        }
        if (message.kind !== 'done') return;
        clearTimeout(timer);
        if (message.resultCode !== 0) {
          throw new LdapResultError(message.resultCode, `LDAP result ${message.resultCode}${message.diagnostic ? `: ${message.diagnostic}` : ''}`);
        }
        options.onPage?.(pageEntries);
        // Like ldapts: a page without entries ends the search even when the server sent a cookie.
        const more = pageEntries > 0 && message.cookie !== null && message.cookie.length > 0;
        pageEntries = 0;
        cookie = message.cookie;
        if (!more) done = true;
        else if (queue.length <= options.pageSize) send();
        else nextDue = true;
      });
    } catch (error) {
      socket.destroy();
      fail(error instanceof Error ? error : new ProtocolError(String(error)));
      return;
    }
    if (queue.length || done) wake();
  };
  const onError = (error: Error) => fail(error);
  const onClose = () => fail(new Error('Connection closed before message response was received. Message type: SearchRequest'));

  socket.off('data', ldaptsHandler);
  socket.on('data', onData);
  socket.on('error', onError);
  socket.on('close', onClose);
  try {
    send();
    for (;;) {
      if (queue.length) {
        const batch = queue;
        queue = [];
        if (nextDue && !failure) send();
        yield batch;
        continue;
      }
      if (failure) throw failure;
      if (done) return;
      await new Promise<void>((resolve) => (waiting = resolve));
    }
  } finally {
    clearTimeout(timer);
    socket.off('data', onData);
    socket.off('error', onError);
    socket.off('close', onClose);
    // After a complete search the stream holds nothing of ours: ldapts gets its socket back (unbind). Stopped early
    // or failed: answers may still be on their way, so the connection is closed instead.
    if (done && !failure && !decoder.hasPartial()) socket.on('data', ldaptsHandler);
    else socket.destroy();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// BER (RFC 4511 §5.1: definite lengths only), just what search answers need

export type TResponseMessage =
  | { id: number; kind: 'entry'; entry: Entry }
  | { id: number; kind: 'done'; resultCode: number; diagnostic: string; cookie: Buffer | null }
  | { id: number; kind: 'skipped' };

/** Lengths above this are refused as a protocol error (an entry of 64 MB is not a person). */
const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

export class ResponseDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Bytes the partial message at the head needs in all (0 while its header is incomplete). */
  private needed = 0;

  hasPartial(): boolean {
    return this.buffered > 0;
  }

  /** Decodes every complete message in the stream so far; an exception thrown by `onMessage` stops decoding. */
  push(chunk: Buffer, onMessage: (message: TResponseMessage) => void): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    if (this.buffered < this.needed) return;
    const buf = this.chunks.length === 1 ? chunk : Buffer.concat(this.chunks, this.buffered);
    this.chunks = [];
    this.buffered = 0;
    this.needed = 0;
    let pos = 0;
    while (pos < buf.length) {
      const header = readHeader(buf, pos, buf.length);
      if (header === null) break;
      if (header.tag !== TAG.sequence) throw new ProtocolError(`expected an LDAPMessage, got tag 0x${header.tag.toString(16)}`);
      if (header.length > MAX_MESSAGE_BYTES) throw new ProtocolError(`message of ${header.length} bytes`);
      const end = header.start + header.length;
      if (end > buf.length) {
        this.needed = end - pos;
        break;
      }
      const message = decodeMessage(buf, header.start, end);
      pos = end;
      onMessage(message);
    }
    if (pos < buf.length) {
      // The partial message is copied: the chunk it came in is not kept alive for it.
      const rest = Buffer.from(buf.subarray(pos));
      this.chunks = [rest];
      this.buffered = rest.length;
    }
  }
}

interface THeader {
  tag: number;
  /** Where the content starts. */
  start: number;
  length: number;
}

/** Tag and length at `pos`; null when the header is not complete yet. */
function readHeader(buf: Buffer, pos: number, limit: number): THeader | null {
  if (pos + 2 > limit) return null;
  const tag = buf[pos]!;
  const first = buf[pos + 1]!;
  if (first < 0x80) return { tag, start: pos + 2, length: first };
  const bytes = first & 0x7f;
  if (bytes === 0 || bytes > 4) throw new ProtocolError('indefinite or oversized BER length');
  if (pos + 2 + bytes > limit) return null;
  let length = 0;
  for (let i = 0; i < bytes; i++) length = length * 256 + buf[pos + 2 + i]!;
  return { tag, start: pos + 2 + bytes, length };
}

/** A complete element inside [pos, limit): throws when it would run past the enclosing element. */
function element(buf: Buffer, pos: number, limit: number, tag?: number): THeader {
  const header = readHeader(buf, pos, limit);
  if (header === null || header.start + header.length > limit) throw new ProtocolError('truncated BER element');
  if (tag !== undefined && header.tag !== tag) throw new ProtocolError(`expected tag 0x${tag.toString(16)}, got 0x${header.tag.toString(16)}`);
  return header;
}

function readInteger(buf: Buffer, header: THeader): number {
  if (header.length < 1 || header.length > 4) throw new ProtocolError('integer of unsupported size');
  let value = buf[header.start]! & 0x80 ? -1 : 0;
  for (let i = 0; i < header.length; i++) value = value * 256 + buf[header.start + i]!;
  return value;
}

function decodeMessage(buf: Buffer, start: number, end: number): TResponseMessage {
  const idHeader = element(buf, start, end, TAG.integer);
  const id = readInteger(buf, idHeader);
  const op = element(buf, idHeader.start + idHeader.length, end);
  const opEnd = op.start + op.length;
  if (op.tag === TAG.searchEntry) return { id, kind: 'entry', entry: decodeEntry(buf, op.start, opEnd) };
  if (op.tag === TAG.searchDone) {
    const code = element(buf, op.start, opEnd, TAG.enumerated);
    const matched = element(buf, code.start + code.length, opEnd, TAG.octetString);
    const diagnostic = element(buf, matched.start + matched.length, opEnd, TAG.octetString);
    return {
      id,
      kind: 'done',
      resultCode: readInteger(buf, code),
      diagnostic: buf.toString('utf8', diagnostic.start, diagnostic.start + Math.min(diagnostic.length, 200)),
      cookie: opEnd < end ? pagedCookie(buf, opEnd, end) : null,
    };
  }
  if (id === 0 && op.tag === TAG.extendedResponse) return { id, kind: 'skipped' }; // notice of disconnection: see run()
  if (op.tag === TAG.searchReference || op.tag === TAG.intermediateResponse) return { id, kind: 'skipped' };
  throw new ProtocolError(`unexpected protocol operation 0x${op.tag.toString(16)}`);
}

function decodeEntry(buf: Buffer, start: number, end: number): Entry {
  const name = element(buf, start, end, TAG.octetString);
  const entry: Entry = { dn: buf.toString('utf8', name.start, name.start + name.length) };
  const list = element(buf, name.start + name.length, end, TAG.sequence);
  const listEnd = list.start + list.length;
  let pos = list.start;
  while (pos < listEnd) {
    const attribute = element(buf, pos, listEnd, TAG.sequence);
    const attributeEnd = attribute.start + attribute.length;
    const type = element(buf, attribute.start, attributeEnd, TAG.octetString);
    const key = buf.toString('latin1', type.start, type.start + type.length);
    const values = element(buf, type.start + type.length, attributeEnd, TAG.set);
    const valuesEnd = values.start + values.length;
    const binary = /;binary$/i.test(key);
    const decoded: Array<string | Buffer> = [];
    for (let at = values.start; at < valuesEnd; ) {
      const value = element(buf, at, valuesEnd, TAG.octetString);
      const valueEnd = value.start + value.length;
      decoded.push(binary ? Buffer.from(buf.subarray(value.start, valueEnd)) : buf.toString('utf8', value.start, valueEnd));
      at = valueEnd;
    }
    entry[key] = (decoded.length === 1 ? decoded[0]! : decoded) as Entry[string];
    pos = attributeEnd;
  }
  return entry;
}

/** The paged-results cookie among the message's controls; null when the control is absent. */
function pagedCookie(buf: Buffer, start: number, end: number): Buffer | null {
  const controls = element(buf, start, end, TAG.controls);
  const controlsEnd = controls.start + controls.length;
  for (let pos = controls.start; pos < controlsEnd; ) {
    const control = element(buf, pos, controlsEnd, TAG.sequence);
    const controlEnd = control.start + control.length;
    pos = controlEnd;
    const oid = element(buf, control.start, controlEnd, TAG.octetString);
    if (buf.toString('latin1', oid.start, oid.start + oid.length) !== PAGED_RESULTS_OID) continue;
    let at = oid.start + oid.length;
    if (at < controlEnd && buf[at] === TAG.boolean) {
      const critical = element(buf, at, controlEnd, TAG.boolean);
      at = critical.start + critical.length;
    }
    if (at >= controlEnd) return null;
    const value = element(buf, at, controlEnd, TAG.octetString);
    const sequence = element(buf, value.start, value.start + value.length, TAG.sequence);
    const size = element(buf, sequence.start, sequence.start + sequence.length, TAG.integer);
    const cookie = element(buf, size.start + size.length, sequence.start + sequence.length, TAG.octetString);
    return Buffer.from(buf.subarray(cookie.start, cookie.start + cookie.length));
  }
  return null;
}
