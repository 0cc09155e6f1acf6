import { PkiInputError } from './errors.js';

/** IPv4 parsing for OpenVPN and nftables output: only canonical dotted quads get through. */

export function parseIpv4(value: string, what = 'address'): number {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(value);
  const octets = match?.slice(1).map(Number);
  if (!octets || octets.some((octet, i) => octet > 255 || String(octet) !== match![i + 1])) {
    throw new PkiInputError(`${what} is not an IPv4 address: ${JSON.stringify(value).slice(0, 40)}`);
  }
  return octets.reduce((acc, octet) => acc * 256 + octet, 0);
}

export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

export function prefixToNetmask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** A netmask must be contiguous ones then zeros (255.255.255.0, not 255.0.255.0). */
export function parseNetmask(value: string, what = 'netmask'): { mask: number; prefix: number } {
  const mask = parseIpv4(value, what);
  for (let prefix = 0; prefix <= 32; prefix++) if (prefixToNetmask(prefix) === mask) return { mask, prefix };
  throw new PkiInputError(`${what} is not a contiguous netmask`);
}

export interface TIpv4Network {
  network: number;
  prefix: number;
  mask: number;
}

/** "10.8.0.0/24"; host bits must be zero so a typo like 10.8.0.1/24 is caught, not silently widened. */
export function parseCidr(value: string, what = 'network', prefixRange: [number, number] = [0, 32]): TIpv4Network {
  const [address, prefixText, extra] = value.split('/');
  const prefix = Number(prefixText);
  if (address === undefined || extra !== undefined || !/^\d{1,2}$/.test(prefixText ?? '') || prefix < prefixRange[0] || prefix > prefixRange[1]) {
    throw new PkiInputError(`${what} must be a CIDR with a prefix in ${prefixRange[0]}..${prefixRange[1]}`);
  }
  const network = parseIpv4(address, what);
  const mask = prefixToNetmask(prefix);
  if (((network & mask) >>> 0) !== network) throw new PkiInputError(`${what} has host bits set: ${value}`);
  return { network, prefix, mask };
}

export function containsAddress(net: TIpv4Network, address: number): boolean {
  return ((address & net.mask) >>> 0) === net.network;
}
