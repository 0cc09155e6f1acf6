import { newId } from '../ids.js';
import { DEMO_EMPLOYEE_AGREEMENT, type TSeedAgreement } from './agreements.js';
import type { TSeedEmployee } from './employees.js';

/** Shown on the sign-in page of a demo install; never use these accounts on a real deployment. */
export const DEMO_PASSWORD = 'demo-varco-2026';

export type TDemoRole = 'employee' | 'approver' | 'hr' | 'hotline' | 'it-manager' | 'admin';

export interface TDemoLogin {
  username: string;
  password: string;
  /** The role the account is there to show (it may hold 'employee' as well). */
  role: TDemoRole;
  label: string;
}

interface TDemoAccount extends TDemoLogin {
  roles: TDemoRole[];
}

const account = (username: string, roles: TDemoRole[], label: string): TDemoAccount => ({
  username,
  password: DEMO_PASSWORD,
  role: roles.at(-1)!,
  roles,
  label,
});

const ACCOUNTS: readonly TDemoAccount[] = [
  account('dipendente', ['employee'], 'Dipendente con accordo di lavoro agile'),
  account('responsabile', ['employee', 'approver'], 'Dirigente del Sistema Informativo (approva le richieste)'),
  account('hotline', ['employee', 'hotline'], 'Operatore della hot-line'),
  account('itmanager', ['employee', 'it-manager'], 'Responsabile IT'),
  account('hr', ['employee', 'hr'], 'Ufficio Risorse Umane (conferma gli accessi VPN)'),
  account('admin', ['admin'], 'Amministratore di sistema'),
];

export const DEMO_LOGINS: readonly TDemoLogin[] = ACCOUNTS.map(({ username, password, role, label }) => ({
  username,
  password,
  role,
  label,
}));

/** scrypt is deliberately slow: hash the five passwords in parallel (each gets its own salt). */
export async function hashDemoPasswords(hash: (password: string) => Promise<string>): Promise<Map<string, string>> {
  const hashes = await Promise.all(ACCOUNTS.map((a) => hash(a.password)));
  return new Map(ACCOUNTS.map((a, index) => [a.username, hashes[index]!]));
}

export interface TSeedUser {
  id: string;
  username: string;
  displayName: string;
  source: 'local';
  passwordHash: string;
  employeeId: string | null;
  roles: TDemoRole[];
}

/**
 * Who each demo account is: "dipendente" holds the running SD agreement, "responsabile" is their manager (the SD
 * head), "hotline" and "itmanager" are two other active SD people with IT profiles; "admin" is nobody on staff.
 */
export function buildDemoUsers(
  employees: readonly TSeedEmployee[],
  agreements: readonly TSeedAgreement[],
  passwordHashes: ReadonlyMap<string, string>,
): TSeedUser[] {
  const byId = new Map(employees.map((e) => [e.id, e]));
  const employee = byId.get(agreements.find((a) => a.key === DEMO_EMPLOYEE_AGREEMENT)?.employeeId ?? '');
  const manager = byId.get(employee?.managerId ?? '');
  if (!employee || !manager) throw new Error(`demo: no agreement ${DEMO_EMPLOYEE_AGREEMENT} for "dipendente"`);
  const others = employees.filter(
    (e) => e.serviceCode === employee.serviceCode && e.active && !e.isHead && e.id !== employee.id,
  );
  const hotline = others.find((e) => e.jobProfile === 'Istruttore informatico') ?? others[0];
  const itManager = others.find((e) => e.jobProfile === 'Funzionario informatico' && e !== hotline) ?? others[1];
  if (!hotline || !itManager || hotline === itManager) throw new Error('demo: SD needs two more active people');
  // HR: an active, non-head person of "Risorse Umane e Finanziarie" (SR).
  const hr = employees.find((e) => e.serviceCode === 'SR' && e.active && !e.isHead);
  if (!hr) throw new Error('demo: SR needs an active person for the HR account');
  const linked = new Map([
    ['hr', hr],
    ['dipendente', employee],
    ['responsabile', manager],
    ['hotline', hotline],
    ['itmanager', itManager],
  ]);
  return ACCOUNTS.map((account) => {
    const person = linked.get(account.username);
    return {
      id: newId('user'),
      username: account.username,
      displayName: person ? `${person.firstName} ${person.lastName}` : 'Amministratore di sistema',
      source: 'local',
      passwordHash: requireHash(passwordHashes, account.username),
      employeeId: person?.id ?? null,
      roles: account.roles,
    };
  });
}

function requireHash(passwordHashes: ReadonlyMap<string, string>, username: string): string {
  const hash = passwordHashes.get(username);
  if (!hash) throw new Error(`demo: no password hash for ${username}`);
  return hash;
}
