import { randomBytes } from 'node:crypto';

/** Typed id prefixes: an id says what it names (`emp_…`), so a wrong id in a URL is a clear 400, not a silent miss. */
export const ID_PREFIXES = {
  service: 'svc',
  employee: 'emp',
  agreement: 'agr',
  user: 'usr',
  run: 'run',
  outbox: 'obx',
  request: 'req',
  item: 'itm',
  event: 'evt',
  asset: 'ast',
  certificate: 'cert',
  ca: 'ca',
  vpnProfile: 'vpp',
  vpnServer: 'vps',
  vpnAccount: 'vpa',
  deprovisioningCase: 'dpv',
} as const;
export type TIdKind = keyof typeof ID_PREFIXES;

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lower case

/** 80 random bits in 16 base32 characters. */
export function newId(kind: TIdKind): string {
  const bytes = randomBytes(16);
  let out = '';
  for (const byte of bytes) out += ALPHABET[byte & 31];
  return `${ID_PREFIXES[kind]}_${out}`;
}
