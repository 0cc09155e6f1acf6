import { createCertificateAuthority, getVpnServer, recordGatewayCertificate, type Db, type TActor, type TNewCertificateAuthority } from '@varco/db';
import {
  createCa,
  generateSerial,
  generateStationKey,
  importCa,
  issueStationCertificate,
  sealPrivateKey,
  type TCaKeyType,
  type TImportedCa,
} from '../pki/index.js';
import { isDnsName } from '../pki/validate.js';
import { loadActiveCa } from './ca-keyring.js';
import { publishCrl, type TPublishedCrl } from './publish-crl.js';
import type { TPkiSettings } from './settings.js';
import { gatewayCommonName } from './station-profile.js';

/** Settings with a usable passphrase, or a sentence saying why not (the CLI prints it). */
function requirePassphrase(settings: TPkiSettings | null): string {
  if (!settings?.passphrase) throw new Error(settings?.passphraseProblem?.message ?? 'VARCO_CA_PASSPHRASE_FILE is not set');
  return settings.passphrase;
}

/** "Comune di Prato — CA postazioni" → organisation "Comune di Prato". */
const organizationOf = (name: string) => name.split(/\s+[—–-]\s+/)[0]!.slice(0, 64);

/**
 * A new root CA: key generated natively (async: RSA-4096 takes seconds, so only workers and the CLI call this),
 * sealed under the passphrase (PBES2, 600k rounds) before it touches the database, made the active CA, and its
 * first CRL published at once so /pki/crl.pem works from the start.
 */
export async function createCertificateAuthorityFromScratch(
  db: Db,
  params: {
    name: string;
    keyType: TCaKeyType;
    validityDays: number;
    settings: TPkiSettings;
    actor: TActor;
    /** The creation job, recorded in the audit row so a re-delivered job finds the CA it made. */
    jobId?: string | null;
    onProgress?: (percent: number) => Promise<void>;
  },
): Promise<{ caId: string; crl: TPublishedCrl }> {
  const passphrase = requirePassphrase(params.settings);
  const progress = params.onProgress ?? (async () => {});
  await progress(5);
  const material = await createCa({
    keyType: params.keyType,
    subject: { commonName: params.name, organization: organizationOf(params.name), country: 'IT' },
    validityDays: params.validityDays,
  });
  await progress(60);
  const imported = importCa({ certificatePem: material.certificatePem, privateKeyPem: material.privateKeyPem });
  const sealedKeyPem = await sealPrivateKey(material.privateKeyPem, passphrase);
  await progress(85);
  const ca = await createCertificateAuthority(db, {
    ca: { ...describeCa(imported), name: params.name, keyType: params.keyType, chainPem: null, sealedKeyPem, imported: false },
    actor: params.actor,
    jobId: params.jobId ?? null,
  });
  return { caId: ca.id, crl: await publishCrl(db, { active: await loadActiveCa(db, params.settings), settings: params.settings }) };
}

const describeCa = (imported: TImportedCa) => ({
  certificatePem: imported.certificatePem,
  subject: imported.subject,
  fingerprintSha256: imported.fingerprintSha256,
  notBefore: imported.notBefore,
  notAfter: imported.notAfter,
});

export interface TCaImportInput {
  name: string | null;
  certificatePem: string;
  privateKeyPem: string;
  /** For an encrypted key PEM. */
  keyPassphrase?: string | undefined;
  chainPem?: string | undefined;
}

/**
 * An existing root or intermediate (+ chain), checked by `importCa` with one error code per failure (CaImportError),
 * and its key sealed under the CA passphrase: the row to store. One signature check and one PBKDF2 run (600k rounds
 * in libuv's pool, ~0.3 s) — bounded work, so the API may do it and the plain key never leaves that process.
 */
export async function sealImportedCa(input: TCaImportInput, settings: TPkiSettings | null): Promise<TNewCertificateAuthority> {
  const passphrase = requirePassphrase(settings);
  const imported = importCa({ certificatePem: input.certificatePem, privateKeyPem: input.privateKeyPem, passphrase: input.keyPassphrase, chainPem: input.chainPem });
  const keyType = imported.key.kind === 'rsa' ? `rsa-${imported.key.bits}` : `ec-${imported.key.curve.toLowerCase().replace('-', '')}`;
  const pkcs8 = imported.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return {
    ...describeCa(imported),
    name: input.name ?? imported.subject.slice(0, 100),
    keyType,
    chainPem: imported.chainPem || null,
    sealedKeyPem: await sealPrivateKey(pkcs8, passphrase),
    imported: true,
  };
}

/** The CLI's import: the checked, sealed CA stored and its first CRL published in this process. */
export async function importCertificateAuthority(db: Db, params: TCaImportInput & { settings: TPkiSettings; actor: TActor }): Promise<{ caId: string; crl: TPublishedCrl }> {
  const ca = await createCertificateAuthority(db, { ca: await sealImportedCa(params, params.settings), actor: params.actor });
  return { caId: ca.id, crl: await publishCrl(db, { active: await loadActiveCa(db, params.settings), settings: params.settings }) };
}

/**
 * A gateway's server certificate (EKU serverAuth, CN `vpn-gw-<name>`, DNS SAN = its host when that is a name).
 * The key is returned to the caller (the CLI writes it 0600 on disk) and never stored.
 */
export async function issueGatewayCertificate(db: Db, params: { serverId: string; validityDays: number; settings: TPkiSettings; actor: TActor }) {
  const found = await getVpnServer(db, { id: params.serverId });
  if (!found) throw new Error(`no VPN server ${params.serverId}`);
  const active = await loadActiveCa(db, params.settings);
  const commonName = gatewayCommonName(found.server.name);
  const keys = await generateStationKey('ec-p256');
  const issued = issueStationCertificate({
    ca: active.signer,
    subjectPublicKeyDer: keys.publicKey.export({ type: 'spki', format: 'der' }),
    subject: { commonName },
    sanDns: [isDnsName(found.server.host) ? found.server.host : commonName],
    profile: 'server',
    serialHex: generateSerial().hex,
    notBefore: new Date(),
    validityDays: params.validityDays,
  });
  await recordGatewayCertificate(db, {
    caId: active.ca.id,
    serverId: found.server.id,
    commonName,
    keyType: 'ec-p256',
    validityDays: params.validityDays,
    issued: { serialHex: issued.serialHex, certificatePem: issued.certificatePem, fingerprintSha256: issued.fingerprintSha256, notBefore: issued.notBefore, notAfter: issued.notAfter },
    actor: params.actor,
  });
  return {
    certificatePem: issued.certificatePem,
    privateKeyPem: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    caPem: active.ca.certificatePem + (active.ca.chainPem ?? ''),
    commonName,
  };
}
