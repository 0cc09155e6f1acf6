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

// Random bytes are drawn 8 KiB at a time: one randomBytes() call per id cost a directory sync creating 100,000
// people about half a second. The bytes are the same CSPRNG output either way, and each is used once.
const POOL_BYTES = 8192;
let pool = Buffer.alloc(0);
let poolOffset = 0;

/** 80 random bits in 16 base32 characters. */
export function newId(kind: TIdKind): string {
  if (poolOffset + 16 > pool.length) {
    pool = randomBytes(POOL_BYTES);
    poolOffset = 0;
  }
  let out = '';
  for (let i = poolOffset; i < poolOffset + 16; i++) out += ALPHABET[pool[i]! & 31];
  poolOffset += 16;
  return `${ID_PREFIXES[kind]}_${out}`;
}
