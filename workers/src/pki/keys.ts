import { generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { PkiInputError } from './errors.js';

export type TStationKeyType = 'rsa-2048' | 'ec-p256';
export type TCaKeyType = 'rsa-3072' | 'rsa-4096' | 'ec-p384';

export interface TKeyPair {
  publicKey: KeyObject;
  privateKey: KeyObject;
}

// The async form runs in libuv's thread pool: an RSA key takes 60–120 ms on Node 20, and doing that on the
// event loop makes BullMQ miss lock renewals and run the job a second time (TRAPS.md).
const generate = promisify(generateKeyPair);

async function generateFor(type: TStationKeyType | TCaKeyType): Promise<TKeyPair> {
  switch (type) {
    case 'rsa-2048':
    case 'rsa-3072':
    case 'rsa-4096':
      return generate('rsa', { modulusLength: Number(type.slice(4)), publicExponent: 0x10001 });
    case 'ec-p256':
      return generate('ec', { namedCurve: 'P-256' });
    case 'ec-p384':
      return generate('ec', { namedCurve: 'P-384' });
    default:
      throw new PkiInputError(`unknown key type ${String(type)}`);
  }
}

/** A station key for the server-side flow. The private key must not outlive the bundle it goes into. */
export async function generateStationKey(type: TStationKeyType): Promise<TKeyPair> {
  if (type !== 'rsa-2048' && type !== 'ec-p256') throw new PkiInputError(`unknown station key type ${String(type)}`);
  return generateFor(type);
}

export async function generateCaKey(type: TCaKeyType): Promise<TKeyPair> {
  if (type !== 'rsa-3072' && type !== 'rsa-4096' && type !== 'ec-p384') throw new PkiInputError(`unknown CA key type ${String(type)}`);
  return generateFor(type);
}
