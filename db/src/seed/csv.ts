import { readFileSync } from 'node:fs';
import { ACTIVITY_MODES } from '../schema/directory.js';

/**
 * RFC 4180 CSV: fields may be quoted; inside quotes a doubled quote is a quote, and commas and line breaks
 * (CRLF or LF) are data. The plan's activity map needs this: some activity texts hold commas and newlines.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let isQuoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // a UTF-8 BOM is not part of the first header
  for (; i < text.length; i++) {
    const char = text[i];
    if (isQuoted) {
      if (char !== '"') {
        field += char;
      } else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else {
        isQuoted = false;
      }
    } else if (char === '"') {
      if (field !== '') throw new Error(`CSV: stray quote inside an unquoted field at offset ${i}`);
      isQuoted = true;
    } else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += char;
  }
  if (isQuoted) throw new Error('CSV: unterminated quoted field at end of input');
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

/** Parses a CSV with a header row into records keyed by header; every row must have the header's width. */
export function parseCsvRecords<K extends string>(text: string, columns: readonly K[]): Record<K, string>[] {
  const [header, ...rows] = parseCsv(text).filter((row) => !(row.length === 1 && row[0] === ''));
  if (!header) throw new Error('CSV: empty input');
  const indexes = columns.map((column) => {
    const index = header.indexOf(column);
    if (index < 0) throw new Error(`CSV: missing column "${column}" (header: ${header.join(', ')})`);
    return index;
  });
  return rows.map((row, rowIndex) => {
    if (row.length !== header.length) {
      throw new Error(`CSV: record ${rowIndex + 1} has ${row.length} fields, the header has ${header.length}`);
    }
    const record = {} as Record<K, string>;
    columns.forEach((column, c) => (record[column] = row[indexes[c]!]!.trim()));
    return record;
  });
}

function readSeedFile(name: string): string {
  return readFileSync(new URL(`../../seed-data/${name}`, import.meta.url), 'utf8');
}

function toCount(value: string, what: string): number {
  if (!/^\d+$/.test(value)) throw new Error(`CSV: ${what} is not a whole number: ${JSON.stringify(value)}`);
  return Number(value);
}

export interface TServiceHeadcount {
  code: string;
  name: string;
  employees: number;
  canWorkRemotely: number;
  cannotWorkRemotely: number;
}

/** services-headcount.csv: the plan's Annex 1 table, 23 services. */
export function readServicesHeadcount(): TServiceHeadcount[] {
  const columns = ['service_code', 'service', 'employees', 'can_work_remotely', 'cannot_work_remotely'] as const;
  return parseCsvRecords(readSeedFile('services-headcount.csv'), columns).map((r) => {
    const service = {
      code: r.service_code,
      name: r.service,
      employees: toCount(r.employees, `${r.service_code} employees`),
      canWorkRemotely: toCount(r.can_work_remotely, `${r.service_code} can_work_remotely`),
      cannotWorkRemotely: toCount(r.cannot_work_remotely, `${r.service_code} cannot_work_remotely`),
    };
    if (service.canWorkRemotely + service.cannotWorkRemotely !== service.employees) {
      throw new Error(`services-headcount.csv: ${service.code} remote + not remote ≠ employees`);
    }
    return service;
  });
}

export interface TNotRemoteProfile {
  profile: string;
  legalCategory: string;
  employees: number;
}

/** profiles-not-remote.csv: the job profiles that may not work remotely, with how many people hold each. */
export function readNotRemoteProfiles(): TNotRemoteProfile[] {
  const columns = ['profile', 'legal_category', 'employees'] as const;
  return parseCsvRecords(readSeedFile('profiles-not-remote.csv'), columns).map((r) => ({
    profile: r.profile,
    legalCategory: r.legal_category,
    employees: toCount(r.employees, `${r.profile} employees`),
  }));
}

export type TActivityMode = (typeof ACTIVITY_MODES)[number];

export interface TMappedActivity {
  serviceCode: string;
  service: string;
  macroActivity: string;
  activity: string;
  mode: TActivityMode;
  note: string | null;
}

function isActivityMode(value: string): value is TActivityMode {
  return (ACTIVITY_MODES as readonly string[]).includes(value);
}

/** activity-map.csv: the plan's 676 activities; the mode must be one of the four the plan uses. */
export function readActivityMap(): TMappedActivity[] {
  const columns = ['service_code', 'service', 'macro_activity', 'activity', 'mode', 'note'] as const;
  return parseCsvRecords(readSeedFile('activity-map.csv'), columns).map((r, index) => {
    if (!isActivityMode(r.mode)) {
      throw new Error(`activity-map.csv: record ${index + 1} has mode ${JSON.stringify(r.mode)}`);
    }
    return {
      serviceCode: r.service_code,
      service: r.service,
      macroActivity: r.macro_activity,
      activity: r.activity,
      mode: r.mode,
      note: r.note === '' ? null : r.note,
    };
  });
}

/** T = fully remote, P = partly remote, N = not remote; an empty cell means the service does not do it. */
export const TRANSVERSAL_MODES = { T: 'smart', P: 'partial', N: 'presence' } as const;

export interface TTransversalActivities {
  serviceCode: string;
  service: string;
  modes: Record<string, (typeof TRANSVERSAL_MODES)[keyof typeof TRANSVERSAL_MODES]>;
}

/** transversal-activities.csv: the 11 activities every service shares, one column each (a service may have 2 rows). */
export function readTransversalActivities(): TTransversalActivities[] {
  const [header, ...rows] = parseCsv(readSeedFile('transversal-activities.csv')).filter((row) => row.join('') !== '');
  if (!header || header[0] !== 'service_code' || header[1] !== 'service') {
    throw new Error('transversal-activities.csv: expected service_code,service,<activities…>');
  }
  return rows.map((row) => {
    const modes: TTransversalActivities['modes'] = {};
    header.slice(2).forEach((activity, index) => {
      const cell = (row[index + 2] ?? '').trim();
      if (cell === '') return;
      if (!(cell in TRANSVERSAL_MODES)) throw new Error(`transversal-activities.csv: unknown mode "${cell}"`);
      modes[activity] = TRANSVERSAL_MODES[cell as keyof typeof TRANSVERSAL_MODES];
    });
    return { serviceCode: row[0]!.trim(), service: (row[1] ?? '').trim(), modes };
  });
}
