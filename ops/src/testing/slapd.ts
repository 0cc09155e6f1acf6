/**
 * A private OpenLDAP slapd for integration tests and benchmarks (recipe: /work/shared/REAL-SERVERS.md §3).
 *
 * - Temp dir under os.tmpdir(); cn=config built offline with `slapadd -n0`, data loaded offline with
 *   `slapadd -q -n1` before slapd starts (100k people load in about a second).
 * - Base `dc=comune,dc=prato,dc=it` with ou=people, ou=groups, ou=system.
 * - Service account `cn=varco-svc,ou=system,…` (not the rootdn): reads people and groups, size limit unlimited
 *   (`olcLimits`); everyone else keeps the frontend size limit (`sizeLimit`, default 500 like Debian's slapd).
 * - ACLs: userPassword is usable for authentication only (nobody can read it); people are readable by the
 *   service account and by each person for their own entry; anonymous users cannot search people, groups or the
 *   base (they can only bind); groups are readable by the service account and by authenticated users.
 * - `flavour: 'ad'` loads a tiny test-only schema (private arc 1.3.6.1.4.1.99999.1 — never load it in production)
 *   with the auxiliary class `varcoAdUser` (sAMAccountName, userAccountControl, memberOf) so tests can emulate
 *   Active Directory attribute mappings; disabled people get userAccountControl 514 instead of 512.
 *   With `flavour: 'openldap'` disabled people carry `employeeType: disabled` (DISABLED_MARKER).
 * - `allowAnonDnBind: true` sets `olcAllows: bind_anon_dn`: DN + empty password "succeeds" as anonymous, like AD.
 * - `tls: true` creates a throwaway CA and a server certificate (CN/SAN localhost, 127.0.0.1) and also listens
 *   on ldaps://; StartTLS works on the plain port. `caFile` is returned.
 * - slapd runs in the foreground with `-d stats`: every connection, BIND (with its DN, never a password),
 *   SRCH and RESULT line lands in `logPath`.
 * - Passwords are stored as {SSHA}; no plain-text password is written to disk.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, createWriteStream, existsSync, openSync } from 'node:fs';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { once } from 'node:events';
import { freePort } from './free-port.js';
import {
  DIRECTORY_BASE_DN,
  DISABLED_MARKER,
  GROUPS_DN,
  PEOPLE_DN,
  UAC_DISABLED,
  UAC_ENABLED,
  type TDirectoryGroup,
  type TDirectoryPerson,
} from './directory-fixture.js';

export type TSlapdFlavour = 'openldap' | 'ad';

export interface TStartSlapdOptions {
  people: TDirectoryPerson[];
  groups?: TDirectoryGroup[];
  flavour?: TSlapdFlavour;
  allowAnonDnBind?: boolean;
  /** Frontend size limit for everyone but the rootdn and the service account (default 500). */
  sizeLimit?: number | 'unlimited';
  /** Also serve ldaps:// and StartTLS with a throwaway CA (default false). */
  tls?: boolean;
}

export interface TSlapd {
  url: string;
  /** Only with `tls: true`. */
  ldapsUrl?: string;
  /** Only with `tls: true`: PEM of the throwaway CA that signed the server certificate. */
  caFile?: string;
  baseDn: string;
  peopleDn: string;
  groupsDn: string;
  adminDn: string;
  adminPassword: string;
  serviceDn: string;
  servicePassword: string;
  logPath: string;
  pid: number;
  timings: { ldifMs: number; slapaddMs: number; startMs: number };
  stop(): Promise<void>;
}

const BASE = DIRECTORY_BASE_DN;
const ADMIN_DN = `cn=admin,${BASE}`;
const SERVICE_DN = `cn=varco-svc,ou=system,${BASE}`;
const SCHEMA_DIR = '/etc/ldap/schema';
const START_ATTEMPTS = 5;
const READY_TIMEOUT_MS = 10_000;

/** Live slapd children of this process: killed if the test process exits without calling stop(). */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function trackChild(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const c of live) c.kill('SIGKILL');
  });
}

// 8-byte salts cut from 8 KiB of randomness: one randomBytes() call per entry would dominate a 100k-entry load.
let saltPool = Buffer.alloc(0);
let saltOffset = 0;
function nextSalt(): Buffer {
  if (saltOffset + 8 > saltPool.length) {
    saltPool = randomBytes(8192);
    saltOffset = 0;
  }
  saltOffset += 8;
  return saltPool.subarray(saltOffset - 8, saltOffset);
}

/** {SSHA}: base64(sha1(password + salt) + salt). */
export function sshaHash(password: string, salt: Buffer = nextSalt()): string {
  const digest = createHash('sha1').update(password, 'utf8').update(salt).digest();
  return `{SSHA}${Buffer.concat([digest, salt]).toString('base64')}`;
}

/** RFC 2849 SAFE-STRING: ASCII without NUL/CR/LF, not starting with space, ':' or '<'; plus no trailing space. */
function isSafeString(text: string): boolean {
  const first = text.charCodeAt(0);
  if (first === 0x20 || first === 0x3a || first === 0x3c || text.endsWith(' ')) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x00 || c === 0x0a || c === 0x0d || c > 0x7f) return false;
  }
  return true;
}

function line(attr: string, value: string | number): string {
  const text = String(value);
  if (isSafeString(text)) return `${attr}: ${text}\n`;
  return `${attr}:: ${Buffer.from(text, 'utf8').toString('base64')}\n`;
}

function entry(dn: string, attrs: Array<[string, string | number | null | undefined]>): string {
  let out = line('dn', dn);
  for (const [name, value] of attrs) if (value !== null && value !== undefined && value !== '') out += line(name, value);
  return `${out}\n`;
}

function personLdif(p: TDirectoryPerson, flavour: TSlapdFlavour): string {
  // All objectClass values first: slapadd wants an attribute's values together.
  const attrs: Array<[string, string | number | null]> = [
    ['objectClass', 'inetOrgPerson'],
    ...(flavour === 'ad' ? [['objectClass', 'varcoAdUser'] as [string, string]] : []),
    ['uid', p.uid], ['cn', p.cn], ['sn', p.sn], ['givenName', p.givenName], ['displayName', p.displayName],
    ['mail', p.mail], ['employeeNumber', p.employeeNumber], ['telephoneNumber', p.telephoneNumber],
    ['title', p.title], ['ou', p.ou], ['departmentNumber', p.departmentNumber], ['manager', p.manager],
    ['userPassword', sshaHash(p.password)],
  ];
  if (flavour === 'ad') {
    attrs.push(['sAMAccountName', p.sAMAccountName]);
    attrs.push(['userAccountControl', p.disabled ? UAC_DISABLED : UAC_ENABLED]);
    for (const g of p.memberOf) attrs.push(['memberOf', g]);
  } else if (p.disabled) {
    attrs.push([DISABLED_MARKER.attribute, DISABLED_MARKER.value]);
  }
  return entry(p.dn, attrs);
}

function groupLdif(g: TDirectoryGroup): string {
  // groupOfNames needs at least one member: an empty group gets a placeholder DN that matches nobody.
  const members = g.members.length ? g.members : [`cn=empty-group-placeholder,${BASE}`];
  return entry(g.dn, [
    ['objectClass', 'groupOfNames'], ['cn', g.cn], ['description', g.description],
    ...members.map((m): [string, string] => ['member', m]),
  ]);
}

function* dataLdif(opts: TStartSlapdOptions, servicePassword: string): Generator<string> {
  const ou = (name: string, description: string) =>
    entry(`ou=${name},${BASE}`, [['objectClass', 'organizationalUnit'], ['ou', name], ['description', description]]);
  yield entry(BASE, [['objectClass', 'dcObject'], ['objectClass', 'organization'], ['dc', 'comune'], ['o', 'Comune di Prato']]);
  yield ou('people', 'Personale') + ou('groups', 'Gruppi') + ou('system', 'Account di servizio');
  yield entry(SERVICE_DN, [
    ['objectClass', 'organizationalRole'], ['objectClass', 'simpleSecurityObject'], ['cn', 'varco-svc'],
    ['description', 'Varco: lettura persone e gruppi'], ['userPassword', sshaHash(servicePassword)],
  ]);
  const flavour = opts.flavour ?? 'openldap';
  for (const p of opts.people) yield personLdif(p, flavour);
  for (const g of opts.groups ?? []) yield groupLdif(g);
}

/** Writes chunks of about 1 MB, honouring back-pressure: linear in the number of entries. */
async function writeChunks(path: string, chunks: Iterable<string>): Promise<void> {
  const out = createWriteStream(path, { encoding: 'utf8' });
  const done = new Promise<void>((resolve, reject) => {
    out.once('finish', resolve);
    out.once('error', reject);
  });
  let buffer: string[] = [];
  let size = 0;
  for (const chunk of chunks) {
    buffer.push(chunk);
    size += chunk.length;
    if (size < 1 << 20) continue;
    if (!out.write(buffer.join(''))) await once(out, 'drain');
    buffer = [];
    size = 0;
  }
  out.end(buffer.join(''));
  await done;
}

const AD_SCHEMA = `dn: cn=varco-ad,cn=schema,cn=config
objectClass: olcSchemaConfig
cn: varco-ad
olcAttributeTypes: ( 1.3.6.1.4.1.99999.1.1.1 NAME 'sAMAccountName' DESC 'test-only AD emulation' EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15{256} SINGLE-VALUE )
olcAttributeTypes: ( 1.3.6.1.4.1.99999.1.1.2 NAME 'userAccountControl' DESC 'test-only AD emulation' EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )
olcAttributeTypes: ( 1.3.6.1.4.1.99999.1.1.3 NAME 'memberOf' DESC 'test-only AD emulation' EQUALITY distinguishedNameMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.12 )
olcObjectClasses: ( 1.3.6.1.4.1.99999.1.2.1 NAME 'varcoAdUser' DESC 'test-only AD emulation' SUP top AUXILIARY MAY ( sAMAccountName $ userAccountControl $ memberOf ) )

`;

interface TConfigParams {
  dir: string;
  flavour: TSlapdFlavour;
  allowAnonDnBind: boolean;
  sizeLimit: number | 'unlimited';
  adminPassword: string;
  tls: { ca: string; cert: string; key: string } | null;
}

function configLdif(c: TConfigParams): string {
  const adminHash = sshaHash(c.adminPassword);
  const tlsLines = c.tls
    ? `olcTLSCACertificateFile: ${c.tls.ca}\nolcTLSCertificateFile: ${c.tls.cert}\nolcTLSCertificateKeyFile: ${c.tls.key}\n`
    : '';
  const indexes = ['objectClass eq', 'uid eq', 'member eq', 'mail eq', 'employeeNumber eq', 'ou eq'];
  if (c.flavour === 'ad') indexes.push('sAMAccountName eq', 'memberOf eq');
  return `dn: cn=config
objectClass: olcGlobal
cn: config
olcPidFile: ${join(c.dir, 'slapd.pid')}
olcArgsFile: ${join(c.dir, 'slapd.args')}
olcLogLevel: stats
${c.allowAnonDnBind ? 'olcAllows: bind_anon_dn\n' : ''}${tlsLines}
dn: cn=module{0},cn=config
objectClass: olcModuleList
cn: module{0}
olcModulePath: /usr/lib/ldap
olcModuleLoad: back_mdb

dn: cn=schema,cn=config
objectClass: olcSchemaConfig
cn: schema

include: file://${SCHEMA_DIR}/core.ldif

include: file://${SCHEMA_DIR}/cosine.ldif

include: file://${SCHEMA_DIR}/nis.ldif

include: file://${SCHEMA_DIR}/inetorgperson.ldif

${c.flavour === 'ad' ? AD_SCHEMA : ''}dn: olcDatabase={-1}frontend,cn=config
objectClass: olcDatabaseConfig
objectClass: olcFrontendConfig
olcDatabase: {-1}frontend
olcSizeLimit: ${c.sizeLimit}

dn: olcDatabase={0}config,cn=config
objectClass: olcDatabaseConfig
olcDatabase: {0}config
olcRootDN: cn=config
olcRootPW: ${adminHash}

dn: olcDatabase={1}mdb,cn=config
objectClass: olcDatabaseConfig
objectClass: olcMdbConfig
olcDatabase: {1}mdb
olcDbDirectory: ${join(c.dir, 'db')}
olcSuffix: ${BASE}
olcRootDN: ${ADMIN_DN}
olcRootPW: ${adminHash}
olcDbMaxSize: 8589934592
olcDbNoSync: TRUE
${indexes.map((i) => `olcDbIndex: ${i}`).join('\n')}
olcLimits: dn.exact="${SERVICE_DN}" size=unlimited time=unlimited
olcAccess: {0}to attrs=userPassword by anonymous auth by * none
olcAccess: {1}to dn.subtree="${PEOPLE_DN}" by dn.exact="${SERVICE_DN}" read by self read by anonymous auth by * none
olcAccess: {2}to dn.subtree="${GROUPS_DN}" by dn.exact="${SERVICE_DN}" read by users read by * none
olcAccess: {3}to dn.subtree="ou=system,${BASE}" by self read by anonymous auth by * none
olcAccess: {4}to * by dn.exact="${SERVICE_DN}" read by users read by * none
`;
}

/** slapd and slapadd live in /usr/sbin, which is not on every PATH. */
function binary(name: string): string {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), '/usr/sbin', '/usr/bin'];
  const found = dirs.map((d) => join(d, name)).find((p) => existsSync(p));
  if (!found) throw new Error(`${name} is not installed: \`apt-get install slapd ldap-utils\` (see REAL-SERVERS.md §3).`);
  return found;
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(binary(cmd), args, { maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${cmd} failed (${error.code ?? 'signal'}): ${String(stderr).slice(-2000)}`));
      else resolve(String(stdout));
    });
  });
}

/** Throwaway CA + server certificate (EC P-256, SHA-256, SAN localhost + 127.0.0.1), 2 days. */
async function makeTls(dir: string): Promise<{ ca: string; cert: string; key: string }> {
  const p = (name: string) => join(dir, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await run('openssl', ['req', '-x509', ...ec, '-keyout', p('ca.key'), '-out', p('ca.pem'), '-days', '2', '-sha256',
    '-subj', '/CN=Varco test CA', '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  await run('openssl', ['req', ...ec, '-keyout', p('server.key'), '-out', p('server.csr'), '-subj', '/CN=localhost']);
  await writeFile(p('server.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n');
  await run('openssl', ['x509', '-req', '-in', p('server.csr'), '-CA', p('ca.pem'), '-CAkey', p('ca.key'),
    '-CAcreateserial', '-out', p('server.pem'), '-days', '2', '-sha256', '-extfile', p('server.ext')]);
  await rm(p('ca.key'));
  return { ca: p('ca.pem'), cert: p('server.pem'), key: p('server.key') };
}

async function waitReady(child: ChildProcess, url: string, logPath: string): Promise<'ready' | 'port-taken'> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const log = await readFile(logPath, 'utf8').catch(() => '');
      if (/Address already in use|errno=98/.test(log)) return 'port-taken';
      throw new Error(`slapd exited (${child.exitCode ?? child.signalCode}): ${log.slice(-2000)}`);
    }
    const out = await run('ldapsearch', ['-x', '-H', url, '-o', 'nettimeout=1', '-b', '', '-s', 'base', '-LLL', 'namingContexts'])
      .catch(() => '');
    if (out.toLowerCase().includes(BASE)) return 'ready';
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`slapd did not answer on ${url} within ${READY_TIMEOUT_MS} ms`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

async function launch(dir: string, tls: boolean, logPath: string) {
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
    const port = await freePort();
    const tlsPort = tls ? await freePort() : null;
    const url = `ldap://127.0.0.1:${port}`;
    const urls = [`${url}/`, ...(tlsPort ? [`ldaps://127.0.0.1:${tlsPort}/`] : [])];
    const logFd = openSync(logPath, 'a');
    const child = spawn(binary('slapd'), ['-d', 'stats', '-h', urls.join(' '), '-F', join(dir, 'slapd.d')], {
      stdio: ['ignore', logFd, logFd],
    });
    closeSync(logFd);
    trackChild(child);
    const state = await waitReady(child, url, logPath).catch(async (error: unknown) => {
      await stopChild(child);
      throw error;
    });
    if (state === 'ready') return { child, url, ldapsUrl: tlsPort ? `ldaps://127.0.0.1:${tlsPort}` : undefined };
    await stopChild(child);
  }
  throw new Error(`slapd could not bind a free port after ${START_ATTEMPTS} attempts`);
}

export async function startSlapd(opts: TStartSlapdOptions): Promise<TSlapd> {
  const dir = await mkdtemp(join(tmpdir(), 'varco-slapd-'));
  try {
    await mkdir(join(dir, 'slapd.d'));
    await mkdir(join(dir, 'db'));
    const adminPassword = randomBytes(18).toString('base64url');
    const servicePassword = randomBytes(18).toString('base64url');
    const tls = opts.tls ? await makeTls(dir) : null;
    const flavour = opts.flavour ?? 'openldap';
    const config = configLdif({
      dir, flavour, tls, adminPassword,
      allowAnonDnBind: opts.allowAnonDnBind ?? false, sizeLimit: opts.sizeLimit ?? 500,
    });
    await writeFile(join(dir, 'config.ldif'), config);
    await run('slapadd', ['-n0', '-F', join(dir, 'slapd.d'), '-l', join(dir, 'config.ldif')]);
    const t0 = performance.now();
    await writeChunks(join(dir, 'data.ldif'), dataLdif(opts, servicePassword));
    const t1 = performance.now();
    await run('slapadd', ['-q', '-n1', '-F', join(dir, 'slapd.d'), '-l', join(dir, 'data.ldif')]);
    const t2 = performance.now();
    await rm(join(dir, 'data.ldif'));
    const logPath = join(dir, 'slapd.log');
    const { child, url, ldapsUrl } = await launch(dir, opts.tls ?? false, logPath);
    const t3 = performance.now();
    return {
      url, ldapsUrl, caFile: tls?.ca, baseDn: BASE, peopleDn: PEOPLE_DN, groupsDn: GROUPS_DN,
      adminDn: ADMIN_DN, adminPassword, serviceDn: SERVICE_DN, servicePassword, logPath, pid: child.pid ?? -1,
      timings: { ldifMs: t1 - t0, slapaddMs: t2 - t1, startMs: t3 - t2 },
      async stop() {
        await stopChild(child);
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
