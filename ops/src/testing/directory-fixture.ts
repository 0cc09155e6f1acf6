/**
 * Deterministic, realistic directory of the Comune di Prato's staff for tests and benchmarks.
 *
 * - People are spread over the city's 23 service codes with the real headcount weights
 *   (`db/seed-data/services-headcount.csv`), `ou` and `departmentNumber` = service code.
 * - `uid` is `u000123` (the OpenLDAP login); `sAMAccountName` is name-based (`mrossi`, `mrossi2`, … ≤ 20 chars,
 *   the AD login). The two differ on purpose so a test proves which attribute a profile really searches.
 * - Password `pw-<uid>` unless `passwordFor` says otherwise.
 * - Disabled accounts (about 3 %, never one of the service heads), by flavour:
 *     openldap: `employeeType: disabled` (nothing else carries employeeType) — `DISABLED_MARKER` below;
 *     ad:       `userAccountControl: 514` (NORMAL_ACCOUNT | ACCOUNTDISABLE) instead of 512.
 *   The LDIF writer in `slapd.ts` applies the convention; here it is just `disabled: true`.
 * - Groups (groupOfNames under ou=groups): varco-hotline, varco-approvers, varco-it-managers, varco-admins.
 *   `memberOf` on each person lists the same memberships (written only for the AD flavour).
 * - The first 23 people are the heads (title "Dirigente") of the 23 services, in SERVICE_CODES order; everyone
 *   else has `manager` = the head of their service, the heads report to the head of UA (Direzione Generale).
 *
 * Linear in `count` (no quadratic lookups): 100,000 people take well under a second.
 */

export const DIRECTORY_BASE_DN = 'dc=comune,dc=prato,dc=it';
export const PEOPLE_DN = `ou=people,${DIRECTORY_BASE_DN}`;
export const GROUPS_DN = `ou=groups,${DIRECTORY_BASE_DN}`;
export const MAIL_DOMAIN = 'comune.prato.it';

/** The openldap-flavour convention for a disabled account (the default of directory-auth's disabledAttribute/Value). */
export const DISABLED_MARKER = { attribute: 'employeeType', value: 'disabled' } as const;

/** AD userAccountControl: NORMAL_ACCOUNT (0x200) and NORMAL_ACCOUNT | ACCOUNTDISABLE (0x2). */
export const UAC_ENABLED = 512;
export const UAC_DISABLED = 514;

export const SERVICE_CODES = [
  'CP', 'PA', 'PB', 'PD', 'PE', 'PF', 'PG', 'PL', 'PR', 'PS', 'SD', 'SE',
  'SI', 'SL', 'SR', 'UA', 'UB', 'UC', 'UD', 'UG', 'UL', 'UH', 'UM',
] as const;
export type TServiceCode = (typeof SERVICE_CODES)[number];

/** Headcount per service (services-headcount.csv), used as sampling weights. */
const SERVICE_WEIGHTS: Record<TServiceCode, number> = {
  CP: 209, PA: 24, PB: 152, PD: 16, PE: 60, PF: 67, PG: 29, PL: 73, PR: 63, PS: 11, SD: 39, SE: 21,
  SI: 12, SL: 63, SR: 49, UA: 3, UB: 3, UC: 1, UD: 2, UG: 6, UL: 7, UH: 15, UM: 2,
};

export const GROUP_NAMES = ['varco-hotline', 'varco-approvers', 'varco-it-managers', 'varco-admins'] as const;
export type TGroupName = (typeof GROUP_NAMES)[number];

export interface TDirectoryPerson {
  dn: string;
  uid: string;
  sAMAccountName: string;
  cn: string;
  sn: string;
  givenName: string;
  displayName: string;
  mail: string;
  employeeNumber: string;
  telephoneNumber: string;
  /** Job profile (names as in the job_profiles table). */
  title: string;
  ou: TServiceCode;
  departmentNumber: TServiceCode;
  manager: string | null;
  password: string;
  disabled: boolean;
  /** Group DNs (AD-style memberOf; written to LDIF for the AD flavour only). */
  memberOf: string[];
}

export interface TDirectoryGroup {
  dn: string;
  cn: TGroupName | string;
  description: string;
  members: string[];
}

export interface TGenerateDirectoryOptions {
  seed?: number;
  /** Share of people flagged disabled (default 0.03). */
  disabledRatio?: number;
  passwordFor?: (uid: string) => string;
}

const MALE = [
  'Marco', 'Luca', 'Giuseppe', 'Giovanni', 'Andrea', 'Francesco', 'Alessandro', 'Matteo', 'Lorenzo', 'Stefano',
  'Paolo', 'Roberto', 'Simone', 'Niccolò', 'Filippo', 'Tommaso', 'Riccardo', 'Davide', 'Fabio', 'Massimo',
  'Claudio', 'Gabriele', 'Leonardo', 'Emanuele', 'Pietro', 'Jacopo', 'Duccio', 'Federico', 'Mattia', 'Enrico',
];
const FEMALE = [
  'Maria', 'Giulia', 'Francesca', 'Chiara', 'Sara', 'Laura', 'Elena', 'Valentina', 'Alessia', 'Martina',
  'Silvia', 'Federica', 'Elisa', 'Paola', 'Cristina', 'Anna', 'Beatrice', 'Caterina', 'Lucia', 'Ilaria',
  'Irene', 'Serena', 'Claudia', 'Roberta', 'Monica', 'Daniela', 'Simona', 'Benedetta', 'Costanza', 'Noemi',
];
const SURNAMES = [
  'Rossi', 'Russo', 'Ferrari', 'Esposito', 'Bianchi', 'Romano', 'Colombo', 'Ricci', 'Marino', 'Greco',
  'Bruno', 'Gallo', 'Conti', 'De Luca', 'Mancini', 'Costa', 'Giordano', 'Rizzo', 'Lombardi', 'Moretti',
  'Barbieri', 'Fontana', 'Santoro', 'Mariani', 'Rinaldi', 'Caruso', 'Ferrara', 'Galli', 'Martini', 'Leone',
  'Longo', 'Gentile', 'Martinelli', 'Vitale', 'Lombardo', 'Serra', 'Coppola', 'De Santis', "D'Angelo", 'Marchetti',
  'Parrini', 'Bardazzi', 'Becheri', 'Biagini', 'Cecconi', 'Ciampolini', 'Fioravanti', 'Gori', 'Lucchesi', 'Mazzoni',
  'Nesti', 'Pacini', 'Querci', 'Rindi', 'Sanesi', 'Tofani', 'Vannucchi', 'Zanobini', "Dell'Acqua", 'Bartolozzi',
  'Calamai', 'Datini', 'Giagnoni', 'Lapi', 'Melani', 'Niccolai', 'Pieraccini', 'Santini', 'Tempestini', 'Vestri',
];

/** Job profiles with per-service weights; `*` applies to every service not listed. */
const PROFILES: Partial<Record<TServiceCode | '*', Array<[string, number]>>> = {
  CP: [['Agente Polizia Municipale', 68], ['Ausiliare del traffico', 5], ['Ispettore Polizia Municipale', 7], ['Istruttore Amministrativo', 12], ['Collaboratore amministrativo', 8]],
  PB: [['Educatore', 72], ['Cuoco', 9], ['Addetto ai servizi vari', 8], ['Istruttore Amministrativo', 8], ['Operatore di base', 3]],
  PR: [['Istruttore tecnico', 40], ['Funzionario tecnico', 25], ['Operatore di base', 15], ['Istruttore Amministrativo', 20]],
  PF: [['Istruttore tecnico', 40], ['Funzionario tecnico', 30], ['Istruttore Amministrativo', 30]],
  PG: [['Istruttore tecnico', 35], ['Funzionario tecnico', 35], ['Istruttore Amministrativo', 30]],
  SD: [['Istruttore informatico', 45], ['Funzionario informatico', 40], ['Istruttore Amministrativo', 15]],
  '*': [['Istruttore Amministrativo', 45], ['Funzionario amministrativo', 25], ['Collaboratore amministrativo', 20], ['Addetto ai servizi vari', 10]],
};

/** mulberry32: small, fast, deterministic. */
export function createPrng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)] as T;
}

function weightedPicker<T>(entries: ReadonlyArray<readonly [T, number]>): (rand: () => number) => T {
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  return (rand) => {
    let r = rand() * total;
    for (const [value, weight] of entries) {
      r -= weight;
      if (r < 0) return value;
    }
    return entries[entries.length - 1]![0];
  };
}

function asciiSlug(value: string): string {
  return value.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Returns `base`, then `base2`, `base3`… (linear: one Map lookup per call). */
function uniquer(maxLength: number): (base: string) => string {
  const seen = new Map<string, number>();
  return (base) => {
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    const suffix = n === 1 ? '' : String(n);
    return base.slice(0, maxLength - suffix.length) + suffix;
  };
}

function personDn(uid: string): string {
  return `uid=${uid},${PEOPLE_DN}`;
}

export function groupDn(name: string): string {
  return `cn=${name},${GROUPS_DN}`;
}

export function generateDirectory(
  count: number,
  opts: TGenerateDirectoryOptions = {},
): { people: TDirectoryPerson[]; groups: TDirectoryGroup[] } {
  if (!Number.isInteger(count) || count < 0) throw new Error('count must be a non-negative integer');
  const rand = createPrng(opts.seed ?? 20240601);
  const people = generatePeople(count, rand, opts);
  const groups = assignGroups(people, rand);
  return { people, groups };
}

function generatePeople(count: number, rand: () => number, opts: TGenerateDirectoryOptions): TDirectoryPerson[] {
  const pickService = weightedPicker(SERVICE_CODES.map((code) => [code, SERVICE_WEIGHTS[code]] as const));
  const profilePickers = new Map<string, (r: () => number) => string>();
  for (const [key, list] of Object.entries(PROFILES)) profilePickers.set(key, weightedPicker(list!));
  const uniqueMail = uniquer(64);
  const uniqueSam = uniquer(20);
  const heads = new Map<TServiceCode, string>();
  const disabledRatio = opts.disabledRatio ?? 0.03;
  const people: TDirectoryPerson[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const uid = `u${String(i + 1).padStart(6, '0')}`;
    const isHead = i < SERVICE_CODES.length;
    const service = isHead ? SERVICE_CODES[i]! : pickService(rand);
    const givenName = pick(rand, rand() < 0.5 ? MALE : FEMALE);
    const sn = pick(rand, SURNAMES);
    if (isHead) heads.set(service, personDn(uid));
    const profile = profilePickers.get(service) ?? profilePickers.get('*')!;
    people[i] = {
      dn: personDn(uid),
      uid,
      sAMAccountName: uniqueSam(asciiSlug(givenName.charAt(0) + sn)),
      cn: `${givenName} ${sn}`,
      sn,
      givenName,
      displayName: `${givenName} ${sn}`,
      mail: `${uniqueMail(`${asciiSlug(givenName)}.${asciiSlug(sn)}`)}@${MAIL_DOMAIN}`,
      employeeNumber: String(100000 + i + 1),
      telephoneNumber: `+39 0574 ${String(180000 + ((i * 7919) % 820000)).padStart(6, '0')}`,
      title: isHead ? 'Dirigente' : profile(rand),
      ou: service,
      departmentNumber: service,
      manager: null,
      password: opts.passwordFor ? opts.passwordFor(uid) : `pw-${uid}`,
      disabled: !isHead && rand() < disabledRatio,
      memberOf: [],
    };
  }
  const topHead = heads.get('UA') ?? null;
  for (const person of people) {
    const head = heads.get(person.ou) ?? null;
    person.manager = head === person.dn ? (topHead === person.dn ? null : topHead) : head;
  }
  return people;
}

/**
 * Deterministic memberships: admins = 2 people of SD; it-managers = the SD head + 3 of SD; hotline = ~20 % of SD
 * (at least 3); approvers = every service head + ~1 % of the others. Members are all in the directory.
 */
function assignGroups(people: TDirectoryPerson[], rand: () => number): TDirectoryGroup[] {
  const sd = people.filter((p) => p.ou === 'SD' && p.title !== 'Dirigente');
  const sdHead = people.find((p) => p.ou === 'SD' && p.title === 'Dirigente');
  const members: Record<TGroupName, TDirectoryPerson[]> = {
    'varco-admins': sd.slice(0, 2),
    'varco-it-managers': [...(sdHead ? [sdHead] : []), ...sd.slice(2, 5)],
    'varco-hotline': sd.slice(5, 5 + Math.max(3, Math.floor(sd.length * 0.2))),
    'varco-approvers': people.filter((p) => p.title === 'Dirigente' || rand() < 0.01),
  };
  const descriptions: Record<TGroupName, string> = {
    'varco-admins': 'Varco: amministratori',
    'varco-it-managers': 'Varco: responsabili sistemi informativi',
    'varco-hotline': 'Varco: assistenza (hotline)',
    'varco-approvers': 'Varco: approvatori accordi di lavoro agile',
  };
  return GROUP_NAMES.map((name) => {
    const dn = groupDn(name);
    for (const person of members[name]) person.memberOf.push(dn);
    return { dn, cn: name, description: descriptions[name], members: members[name].map((p) => p.dn) };
  });
}
