/**
 * The alternatives `npm run bench:pki` measures ours against, written the way each library's docs show.
 * Bench-only code: @peculiar/x509, pkijs, asn1js and node-forge are devDependencies of @varco/ops.
 */
// @peculiar/x509 resolves its algorithms through tsyringe, which needs this polyfill loaded first.
import 'reflect-metadata';
import { execFile, spawnSync } from 'node:child_process';
import { createHash, sign, webcrypto, type KeyObject } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as x509 from '@peculiar/x509';
import * as asn1js from 'asn1js';
import forge from 'node-forge';
import * as pkijs from 'pkijs';
import { generateOneTimePassword, generateSerial, type TCaSigner, type TStationKeyType } from '../../workers/src/pki/index.js';

// Node's WebCrypto; the libraries' typings name the DOM types, which this Node-only project does not load.
type CryptoKey = webcrypto.CryptoKey;
const subtle = webcrypto.subtle;
x509.cryptoProvider.set(webcrypto as never);
pkijs.setEngine('node', new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as never }));

const EC_SIGN = { name: 'ECDSA', hash: 'SHA-384' };
const DAY = 86_400_000;

export interface TWebCa {
  certificatePem: string;
  signingKey: CryptoKey;
  peculiarCertificate: x509.X509Certificate;
  pkijsCertificate: pkijs.Certificate;
}

/** The same P-384 CA, as WebCrypto keys for the two WebCrypto-based libraries. */
export async function webCa(certificatePem: string, privateKey: KeyObject): Promise<TWebCa> {
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
  const signingKey = await subtle.importKey('pkcs8', pkcs8, { name: 'ECDSA', namedCurve: 'P-384' }, false, ['sign']);
  const peculiarCertificate = new x509.X509Certificate(certificatePem);
  const pkijsCertificate = pkijs.Certificate.fromBER(peculiarCertificate.rawData);
  return { certificatePem, signingKey, peculiarCertificate, pkijsCertificate };
}

export async function importEcPublicKey(spkiDer: Buffer): Promise<CryptoKey> {
  return subtle.importKey('spki', spkiDer, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']);
}

/** @peculiar/x509: the station profile (CA:FALSE, keyUsage, EKU clientAuth, SKI, AKI). */
export async function peculiarCertificate(ca: TWebCa, publicKey: CryptoKey, serialHex: string, commonName: string): Promise<ArrayBuffer> {
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: serialHex,
    subject: `CN=${commonName}`,
    issuer: ca.peculiarCertificate.subject,
    notBefore: new Date(Date.now() - 300_000),
    notAfter: new Date(Date.now() + 730 * DAY),
    signingAlgorithm: EC_SIGN,
    publicKey,
    signingKey: ca.signingKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
      await x509.SubjectKeyIdentifierExtension.create(publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca.peculiarCertificate),
    ],
  });
  return certificate.rawData;
}

const pkijsExtension = (extnID: string, critical: boolean, value: asn1js.BaseBlock) =>
  new pkijs.Extension({ extnID, critical, extnValue: value.toBER(false) });

/** pkijs: the same profile. */
export async function pkijsCertificate(ca: TWebCa, publicKey: CryptoKey, serialHex: string, commonName: string): Promise<ArrayBuffer> {
  const certificate = new pkijs.Certificate();
  certificate.version = 2;
  certificate.serialNumber = new asn1js.Integer({ valueHex: Buffer.from(serialHex, 'hex') });
  certificate.issuer = ca.pkijsCertificate.subject;
  certificate.subject.typesAndValues.push(new pkijs.AttributeTypeAndValue({ type: '2.5.4.3', value: new asn1js.Utf8String({ value: commonName }) }));
  certificate.notBefore.value = new Date(Date.now() - 300_000);
  certificate.notAfter.value = new Date(Date.now() + 730 * DAY);
  await certificate.subjectPublicKeyInfo.importKey(publicKey);
  const keyId = createHash('sha256').update(Buffer.from(certificate.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView)).digest().subarray(0, 20);
  const authorityKeyId = ca.pkijsCertificate.extensions?.find((extension) => extension.extnID === '2.5.29.14')?.parsedValue as asn1js.OctetString;
  certificate.extensions = [
    pkijsExtension('2.5.29.19', true, new pkijs.BasicConstraints({ cA: false }).toSchema()),
    pkijsExtension('2.5.29.15', true, new asn1js.BitString({ valueHex: new Uint8Array([0x80]), unusedBits: 7 })),
    pkijsExtension('2.5.29.37', false, new pkijs.ExtKeyUsage({ keyPurposes: ['1.3.6.1.5.5.7.3.2'] }).toSchema()),
    pkijsExtension('2.5.29.14', false, new asn1js.OctetString({ valueHex: keyId })),
    pkijsExtension('2.5.29.35', false, new pkijs.AuthorityKeyIdentifier({ keyIdentifier: authorityKeyId }).toSchema()),
  ];
  await certificate.sign(ca.signingKey, 'SHA-384');
  return certificate.toSchema(true).toBER(false);
}

export interface TCrlEntry {
  serialHex: string;
  revokedAt: Date;
}

/** @peculiar/x509 X509CrlGenerator (quadratic in the number of entries: PERF-FACTS.md). */
export async function peculiarCrl(ca: TWebCa, entries: TCrlEntry[]): Promise<ArrayBuffer> {
  const crl = await x509.X509CrlGenerator.create({
    issuer: ca.peculiarCertificate.subject,
    thisUpdate: new Date(),
    nextUpdate: new Date(Date.now() + 7 * DAY),
    signingAlgorithm: EC_SIGN,
    signingKey: ca.signingKey,
    extensions: [await x509.AuthorityKeyIdentifierExtension.create(ca.peculiarCertificate), new x509.Extension('2.5.29.20', false, new asn1js.Integer({ value: 7 }).toBER())],
    entries: entries.map((entry) => ({ serialNumber: entry.serialHex, revocationDate: entry.revokedAt, reason: x509.X509CrlReason.keyCompromise })),
  });
  return crl.rawData;
}

/** pkijs CertificateRevocationList. */
export async function pkijsCrl(ca: TWebCa, entries: TCrlEntry[]): Promise<ArrayBuffer> {
  const reason = pkijsExtension('2.5.29.21', false, new asn1js.Enumerated({ value: 1 }));
  const crl = new pkijs.CertificateRevocationList({
    version: 1,
    issuer: ca.pkijsCertificate.subject,
    thisUpdate: new pkijs.Time({ type: 0, value: new Date() }),
    nextUpdate: new pkijs.Time({ type: 0, value: new Date(Date.now() + 7 * DAY) }),
    revokedCertificates: entries.map(
      (entry) =>
        new pkijs.RevokedCertificate({
          userCertificate: new asn1js.Integer({ valueHex: Buffer.from(entry.serialHex, 'hex') }),
          revocationDate: new pkijs.Time({ type: 0, value: entry.revokedAt }),
          crlEntryExtensions: new pkijs.Extensions({ extensions: [reason] }),
        }),
    ),
    crlExtensions: new pkijs.Extensions({ extensions: [pkijsExtension('2.5.29.20', false, new asn1js.Integer({ value: 7 }))] }),
  });
  await crl.sign(ca.signingKey, 'SHA-384');
  return crl.toSchema(true).toBER(false);
}

/** DER built with node-forge's ASN.1 module, signed with native crypto.sign (PERF-FACTS' middle option). */
export function forgeCrl(caCertificatePem: string, caKey: KeyObject, entries: TCrlEntry[]): Buffer {
  const { asn1 } = forge;
  // forge cannot load an EC certificate (RSA keys only), so take the CA's subject Name from the raw ASN.1.
  const caAsn1 = asn1.fromDer(forge.util.decode64(caCertificatePem.replace(/-----[^-]+-----|\s/g, '')));
  const issuer = ((caAsn1.value as forge.asn1.Asn1[])[0]!.value as forge.asn1.Asn1[])[5]!;
  const algorithm = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer('1.2.840.10045.4.3.3').getBytes())]);
  const time = (date: Date) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.UTCTIME, false, asn1.dateToUtcTime(date));
  const reason = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer('2.5.29.21').getBytes()),
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, '\x0a\x01\x01'),
    ]),
  ]);
  const revoked = entries.map((entry) =>
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, forge.util.hexToBytes(entry.serialHex)),
      time(entry.revokedAt),
      reason,
    ]),
  );
  const tbs = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, '\x01'),
    algorithm,
    issuer,
    time(new Date()),
    time(new Date(Date.now() + 7 * DAY)),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, revoked),
  ]);
  const tbsDer = Buffer.from(asn1.toDer(tbs).getBytes(), 'binary');
  const signature = sign('sha384', tbsDer, caKey);
  const crl = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.fromDer(tbsDer.toString('binary')),
    algorithm,
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, `\x00${signature.toString('binary')}`),
  ]);
  return Buffer.from(asn1.toDer(crl).getBytes(), 'binary');
}

/** node-forge PKCS#12 with AES-256 (its JavaScript PBKDF2 and its fixed SHA-1 MAC); RSA keys only. */
export function forgePkcs12(privateKeyPem: string, certificatePem: string, caPem: string, password: string): Buffer {
  const key = forge.pki.privateKeyFromPem(privateKeyPem);
  const chain = [forge.pki.certificateFromPem(certificatePem), forge.pki.certificateFromPem(caPem)];
  const p12 = forge.pkcs12.toPkcs12Asn1(key, chain, password, { algorithm: 'aes256', count: 2048, saltSize: 16, friendlyName: 'station' });
  return Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary');
}

/** easy-rsa's CRL path: `openssl ca -gencrl` over an index.txt with `entries` revoked lines. */
export function prepareOpensslCa(dir: string, caCertificatePem: string, caKey: KeyObject, entries: TCrlEntry[]): string {
  mkdirSync(dir, { recursive: true });
  const stamp = (date: Date) => date.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
  const expiry = stamp(new Date(Date.now() + 365 * DAY));
  const lines = entries.map((entry) => `R\t${expiry}\t${stamp(entry.revokedAt)},keyCompromise\t${entry.serialHex.toUpperCase()}\tunknown\t/CN=station`);
  writeFileSync(join(dir, 'index.txt'), `${lines.join('\n')}\n`);
  writeFileSync(join(dir, 'crlnumber'), '07\n');
  writeFileSync(join(dir, 'ca.pem'), caCertificatePem);
  writeFileSync(join(dir, 'ca.key'), caKey.export({ type: 'pkcs8', format: 'pem' }));
  const config = join(dir, 'openssl.cnf');
  writeFileSync(
    config,
    [
      '[ ca ]', 'default_ca = ca_default', '[ ca_default ]', `dir = ${dir}`, 'database = $dir/index.txt', 'crlnumber = $dir/crlnumber',
      'certificate = $dir/ca.pem', 'private_key = $dir/ca.key', 'default_md = sha384', 'default_crl_days = 7', 'crl_extensions = crl_ext',
      '[ crl_ext ]', 'authorityKeyIdentifier = keyid:always', '',
    ].join('\n'),
  );
  return config;
}

export function runOpenssl(args: string[], cwd?: string): void {
  const result = spawnSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  if (result.status !== 0) throw new Error(`openssl ${args[0]} failed: ${result.stderr.toString().slice(0, 500)}`);
}

const execFileAsync = promisify(execFile);

/** easy-rsa style: one openssl process per key, request, signature and PKCS#12 (files in `caDir`). */
export async function opensslBundle(caDir: string, keyType: TStationKeyType, i: number): Promise<void> {
  const base = join(caDir, `b${i}`);
  const keyArgs = keyType === 'rsa-2048' ? ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'] : ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'];
  await execFileAsync('openssl', ['genpkey', ...keyArgs, '-out', `${base}.key`]);
  await execFileAsync('openssl', ['req', '-new', '-key', `${base}.key`, '-subj', `/CN=emp_${i}`, '-out', `${base}.csr`]);
  await execFileAsync('openssl', [
    'x509', '-req', '-in', `${base}.csr`, '-CA', join(caDir, 'ca.pem'), '-CAkey', join(caDir, 'ca.key'), '-set_serial', `0x${generateSerial().hex}`,
    '-days', '730', '-sha384', '-extfile', join(caDir, 'ext.cnf'), '-extensions', 'station', '-out', `${base}.pem`,
  ]);
  await execFileAsync('openssl', ['pkcs12', '-export', '-inkey', `${base}.key`, '-in', `${base}.pem`, '-certfile', join(caDir, 'ca.pem'), '-passout', `pass:${generateOneTimePassword()}`, '-out', `${base}.p12`]);
}

/** The CA files and station extensions `opensslBundle` needs, under `workDir`/easy-rsa. */
export function prepareOpensslStationCa(workDir: string, ca: TCaSigner): string {
  const caDir = join(workDir, 'easy-rsa');
  rmSync(caDir, { recursive: true, force: true });
  prepareOpensslCa(caDir, ca.certificatePem, ca.privateKey, []);
  const extensions = ['[ station ]', 'basicConstraints = critical, CA:FALSE', 'keyUsage = critical, digitalSignature', 'extendedKeyUsage = clientAuth', 'subjectKeyIdentifier = hash', 'authorityKeyIdentifier = keyid', ''];
  writeFileSync(join(caDir, 'ext.cnf'), extensions.join('\n'));
  return caDir;
}
