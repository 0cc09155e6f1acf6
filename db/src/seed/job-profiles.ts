/**
 * The demo's job profiles. The 12 that may not work remotely come from the plan (profiles-not-remote.csv); the
 * remote-allowed ones below carry different names, so eligibility is decided by the profile alone.
 */

/** Every service head holds this profile; heads may work remotely one day a week (plan §2.1). */
export const HEAD_PROFILE = 'Dirigente';

export const REMOTE_PROFILES: readonly { name: string; legalCategory: string }[] = [
  { name: HEAD_PROFILE, legalCategory: 'Dir' },
  { name: 'Istruttore direttivo amministrativo', legalCategory: 'D' },
  { name: 'Istruttore direttivo contabile', legalCategory: 'D' },
  { name: 'Istruttore amministrativo-contabile', legalCategory: 'C' },
  { name: 'Collaboratore professionale', legalCategory: 'B' },
  { name: 'Funzionario direttivo tecnico', legalCategory: 'D' },
  { name: 'Istruttore tecnico geometra', legalCategory: 'C' },
  { name: 'Funzionario informatico', legalCategory: 'D' },
  { name: 'Istruttore direttivo informatico', legalCategory: 'D' },
  { name: 'Istruttore informatico', legalCategory: 'C' },
  { name: 'Assistente sociale', legalCategory: 'D' },
  { name: 'Mediatore culturale', legalCategory: 'C' },
  { name: 'Coordinatore pedagogico', legalCategory: 'D' },
  { name: 'Bibliotecario', legalCategory: 'C' },
  { name: 'Archivista', legalCategory: 'C' },
  { name: 'Istruttore culturale', legalCategory: 'C' },
  { name: 'Istruttore servizi demografici', legalCategory: 'C' },
  { name: 'Specialista in comunicazione', legalCategory: 'D' },
  { name: 'Avvocato', legalCategory: 'D' },
  { name: 'Statistico', legalCategory: 'D' },
  { name: 'Specialista in sicurezza sul lavoro', legalCategory: 'D' },
];

type TProfileMix = readonly (readonly [profile: string, weight: number])[];

const ADMINISTRATIVE_MIX: TProfileMix = [
  ['Istruttore direttivo amministrativo', 2],
  ['Istruttore amministrativo-contabile', 4],
  ['Collaboratore professionale', 2],
];

const TECHNICAL_MIX: TProfileMix = [
  ['Funzionario direttivo tecnico', 3],
  ['Istruttore tecnico geometra', 3],
  ['Istruttore amministrativo-contabile', 2],
  ['Collaboratore professionale', 1],
];

/** Remote-allowed people of each service (besides its head), as weights: lawyers in Avvocatura, and so on. */
const SERVICE_MIXES: Readonly<Record<string, TProfileMix>> = {
  PA: [
    ['Istruttore culturale', 4],
    ['Istruttore direttivo amministrativo', 2],
    ['Istruttore amministrativo-contabile', 2],
  ],
  PB: [
    ['Coordinatore pedagogico', 3],
    ['Istruttore direttivo amministrativo', 2],
    ['Istruttore amministrativo-contabile', 3],
  ],
  PD: [['Bibliotecario', 5], ['Archivista', 2], ['Istruttore amministrativo-contabile', 1]],
  PE: [
    ['Istruttore servizi demografici', 6],
    ['Istruttore direttivo amministrativo', 1],
    ['Istruttore amministrativo-contabile', 1],
  ],
  PF: TECHNICAL_MIX,
  PG: TECHNICAL_MIX,
  PL: [
    ['Assistente sociale', 5],
    ['Mediatore culturale', 1],
    ['Istruttore direttivo amministrativo', 1],
    ['Istruttore amministrativo-contabile', 2],
  ],
  PR: TECHNICAL_MIX,
  SD: [
    ['Funzionario informatico', 2],
    ['Istruttore direttivo informatico', 2],
    ['Istruttore informatico', 3],
    ['Istruttore amministrativo-contabile', 1],
  ],
  SI: [
    ['Funzionario direttivo tecnico', 1],
    ['Istruttore tecnico geometra', 1],
    ['Istruttore direttivo amministrativo', 1],
    ['Istruttore amministrativo-contabile', 1],
  ],
  SR: [
    ['Istruttore direttivo contabile', 3],
    ['Istruttore amministrativo-contabile', 3],
    ['Istruttore direttivo amministrativo', 2],
    ['Collaboratore professionale', 1],
  ],
  UG: [['Statistico', 3], ['Istruttore amministrativo-contabile', 1]],
  UH: [['Specialista in comunicazione', 4], ['Istruttore amministrativo-contabile', 1]],
  UL: [['Avvocato', 3], ['Istruttore direttivo amministrativo', 1], ['Istruttore amministrativo-contabile', 1]],
  UM: [['Specialista in sicurezza sul lavoro', 1]],
};

export function remoteProfileMix(serviceCode: string): TProfileMix {
  return SERVICE_MIXES[serviceCode] ?? ADMINISTRATIVE_MIX;
}

/**
 * Where the not-remote profiles go first (the CSV counts them city-wide, not per service): police to the Polizia
 * Municipale, educators and cooks to Pubblica Istruzione, ushers to the council offices, technicians to public works.
 * What is left is spread over the remaining not-remote slots by `allocateProfiles`.
 */
export const NOT_REMOTE_PREFERRED_SERVICES: Readonly<Record<string, readonly string[]>> = {
  'Agente Polizia Municipale': ['CP'],
  'Ausiliare del traffico': ['CP'],
  'Ispettore Polizia Municipale': ['CP'],
  Educatore: ['PB'],
  Cuoco: ['PB'],
  'Addetto ai servizi vari': ['SL', 'PA'],
  'Operatore di base': ['PS'],
  'Funzionario tecnico': ['PR', 'PF'],
  'Istruttore tecnico': ['PG'],
};
