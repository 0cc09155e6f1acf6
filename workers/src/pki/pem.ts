/**
 * Strict PEM (RFC 7468): nothing but whitespace around the blocks, base64 body only. Lax PEM parsing lets text
 * ride along — in an .ovpn profile that text would become OpenVPN directives.
 */
export interface TPemBlock {
  label: string;
  der: Buffer;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]{1,40})-----\r?\n([A-Za-z0-9+/=\r\n]*?)\r?\n?-----END \1-----/y;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** All blocks in order, or null when anything other than whitespace sits around or inside them. */
export function readPemBlocks(text: string): TPemBlock[] | null {
  const blocks: TPemBlock[] = [];
  let offset = skipWhitespace(text, 0);
  while (offset < text.length) {
    BLOCK.lastIndex = offset;
    const match = BLOCK.exec(text);
    if (!match) return null;
    const body = match[2]!.replace(/\r?\n/g, '');
    if (!BASE64.test(body)) return null;
    blocks.push({ label: match[1]!, der: Buffer.from(body, 'base64') });
    offset = skipWhitespace(text, BLOCK.lastIndex);
  }
  return blocks;
}

function skipWhitespace(text: string, offset: number): number {
  while (offset < text.length && /\s/.test(text[offset]!)) offset++;
  return offset;
}

/** Exactly one block with one of the given labels, or null. */
export function readSinglePem(text: string, labels: readonly string[]): Buffer | null {
  const blocks = readPemBlocks(text);
  if (!blocks || blocks.length !== 1 || !labels.includes(blocks[0]!.label)) return null;
  return blocks[0]!.der;
}
