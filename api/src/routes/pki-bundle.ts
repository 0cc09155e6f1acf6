import { takeBundle, type TActor } from '@varco/db';
import type { TCertificateBundle } from '../contract/pki.js';
import type { TAppDeps } from '../deps.js';
import { toPkiApiError } from '../services/pki.js';

/** The one download: the command wipes the server-key bundle in the same transaction that reads it. */
export async function takeCertificateBundle(deps: TAppDeps, certificateId: string, actor: TActor): Promise<TCertificateBundle> {
  const bundle = await takeBundle(deps.db, { certificateId, actor }).catch((err: unknown) => {
    throw toPkiApiError(err);
  });
  return {
    flow: bundle.flow,
    fileName: bundle.commonName,
    ovpn: bundle.ovpn,
    certificatePem: bundle.certificatePem,
    pkcs12Base64: bundle.p12 ? bundle.p12.toString('base64') : null,
  };
}
