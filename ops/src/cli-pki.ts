// `npm run varco -- ca|crl|vpn …`: the PKI and VPN commands of the admin CLI (see cli.ts for the shared parts).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseEnv } from '@varco/api';
import { getActiveCertificateAuthority, getCrlState, getVpnServerExport, listLiveCertificatesOfEmployees, SYSTEM_ACTOR, type Database } from '@varco/db';
import {
  createCertificateAuthorityFromScratch,
  DEFAULT_GATEWAY_DIR,
  importCertificateAuthority,
  issueGatewayCertificate,
  renderGatewayExport,
  renderProfileFirewall,
  type TPkiSettings,
} from '@varco/workers/pki-runtime';
import { pkiSettingsFor } from './pki-setup.js';

export const PKI_USAGE = `  ca init --name "Comune di Prato — CA postazioni" --key ec-p384|rsa-3072|rsa-4096 [--days 3650]
  ca import --cert ca.pem --key key.pem [--chain chain.pem] [--name NAME] [--key-passphrase-file FILE]
      The CA key is stored only sealed with the passphrase in VARCO_CA_PASSPHRASE_FILE; the first CRL is published.
  crl export --out FILE [--der]          the last published CRL (what /pki/crl.pem serves)
  vpn export --server vps_… --out DIR [--base-dir ${DEFAULT_GATEWAY_DIR}]
      server.conf, ccd/<CN> per station, nftables.conf for the gateway's profile
  vpn gateway-cert --server vps_… --out DIR [--days 825]
      the gateway's key (0600, never stored) and certificate, plus ca.pem`;

const ACTOR = { ...SYSTEM_ACTOR, username: 'ops-cli' };
const KEY_TYPES = ['ec-p384', 'rsa-3072', 'rsa-4096'] as const;

async function settingsFromEnv(dataDir: string): Promise<TPkiSettings> {
  const parsed = parseEnv({ REDIS_URL: 'redis://unused', ...process.env });
  if (!parsed.ok) throw new Error(`the configuration is not valid — ${parsed.problems.join('; ')}`);
  return pkiSettingsFor(parsed.env, parsed.env.VARCO_CA_PASSPHRASE_FILE, dataDir);
}

function requireOption(values: Record<string, unknown>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value.trim() === '') throw new Error(`--${name} is required\n${PKI_USAGE}`);
  return value;
}

async function caCommand(sub: string | undefined, argv: string[], database: Database, settings: TPkiSettings): Promise<string> {
  if (sub === 'init') {
    const { values } = parseArgs({ args: argv, options: { name: { type: 'string' }, key: { type: 'string', default: 'ec-p384' }, days: { type: 'string', default: '3650' } } });
    const keyType = KEY_TYPES.find((type) => type === values.key);
    if (!keyType) throw new Error(`--key must be one of ${KEY_TYPES.join(', ')}`);
    const created = await createCertificateAuthorityFromScratch(database.db, { name: requireOption(values, 'name'), keyType, validityDays: Number(values.days), settings, actor: ACTOR });
    return `created CA ${created.caId} (${keyType}); first CRL number ${created.crl.crlNumber}, next update ${created.crl.nextUpdate.toISOString()}`;
  }
  if (sub === 'import') {
    const { values } = parseArgs({ args: argv, options: { cert: { type: 'string' }, key: { type: 'string' }, chain: { type: 'string' }, name: { type: 'string' }, 'key-passphrase-file': { type: 'string' } } });
    const keyPassphrase = values['key-passphrase-file'] ? (await readFile(values['key-passphrase-file'], 'utf8')).replace(/[\r\n]+$/, '') : undefined;
    const imported = await importCertificateAuthority(database.db, {
      name: values.name ?? null,
      certificatePem: await readFile(requireOption(values, 'cert'), 'utf8'),
      privateKeyPem: await readFile(requireOption(values, 'key'), 'utf8'),
      ...(keyPassphrase ? { keyPassphrase } : {}),
      ...(values.chain ? { chainPem: await readFile(values.chain, 'utf8') } : {}),
      settings,
      actor: ACTOR,
    });
    return `imported CA ${imported.caId}; first CRL number ${imported.crl.crlNumber}. Delete the plain key file now: the database holds it sealed.`;
  }
  throw new Error(`unknown command "ca ${sub ?? ''}"\n${PKI_USAGE}`);
}

async function crlCommand(sub: string | undefined, argv: string[], database: Database): Promise<string> {
  if (sub !== 'export') throw new Error(`unknown command "crl ${sub ?? ''}"\n${PKI_USAGE}`);
  const { values } = parseArgs({ args: argv, options: { out: { type: 'string' }, der: { type: 'boolean', default: false } } });
  const ca = await getActiveCertificateAuthority(database.db);
  const crl = ca ? await getCrlState(database.db, { caId: ca.id }) : null;
  if (!crl) throw new Error('no CRL has been published yet (create a CA first: ca init)');
  await writeFile(requireOption(values, 'out'), values.der ? crl.der : crl.pem);
  return `wrote CRL number ${crl.crlNumber} (next update ${crl.nextUpdate.toISOString()}) to ${values.out}`;
}

async function vpnCommand(sub: string | undefined, argv: string[], database: Database, settings: TPkiSettings): Promise<string> {
  const { values } = parseArgs({ args: argv, options: { server: { type: 'string' }, out: { type: 'string' }, 'base-dir': { type: 'string' }, days: { type: 'string', default: '825' } } });
  const serverId = requireOption(values, 'server');
  const out = requireOption(values, 'out');
  await mkdir(out, { recursive: true, mode: 0o700 });
  if (sub === 'gateway-cert') {
    const identity = await issueGatewayCertificate(database.db, { serverId, validityDays: Number(values.days), settings, actor: ACTOR });
    await writeFile(join(out, 'server.key'), identity.privateKeyPem, { mode: 0o600 });
    await writeFile(join(out, 'server.pem'), identity.certificatePem);
    await writeFile(join(out, 'ca.pem'), identity.caPem);
    return `wrote ${identity.commonName}: server.key (0600, not kept by Varco), server.pem, ca.pem in ${out}`;
  }
  if (sub !== 'export') throw new Error(`unknown command "vpn ${sub ?? ''}"\n${PKI_USAGE}`);
  const found = await getVpnServerExport(database.db, { serverId });
  if (!found) throw new Error(`no VPN server ${serverId}`);
  const live = await listLiveCertificatesOfEmployees(database.db, { employeeIds: found.accounts.map((row) => row.account.employeeId), now: new Date() });
  const accounts = found.accounts.map(({ account }) => ({
    tunnelAddress: account.tunnelAddress,
    commonNames: [...new Set(live.filter((cert) => cert.employeeId === account.employeeId).map((cert) => cert.commonName))],
  }));
  const { snippet, ccd } = renderGatewayExport({ server: found.server, profile: found.profile, accounts, baseDir: values['base-dir'] ?? DEFAULT_GATEWAY_DIR });
  await mkdir(join(out, 'ccd'), { recursive: true });
  await writeFile(join(out, 'server.conf'), snippet);
  for (const [name, content] of Object.entries(ccd)) await writeFile(join(out, 'ccd', name), content);
  await writeFile(join(out, 'nftables.conf'), renderProfileFirewall(found.profile));
  return `wrote server.conf, ${Object.keys(ccd).length} CCD files and nftables.conf for ${found.server.name} (${found.profile.code}) to ${out}`;
}

/** Runs one PKI/VPN command; returns the line to print. */
export async function runPkiCommand(command: string, argv: string[], database: Database, dataDir: string): Promise<string> {
  const [sub, ...rest] = argv;
  const settings = await settingsFromEnv(dataDir);
  if (command === 'ca') return caCommand(sub, rest, database, settings);
  if (command === 'crl') return crlCommand(sub, rest, database);
  return vpnCommand(sub, rest, database, settings);
}
