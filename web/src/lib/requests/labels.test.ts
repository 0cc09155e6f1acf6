import { ASSET_TYPES, REQUEST_ACTIONS, REQUEST_KINDS, REQUEST_STATUSES } from '@varco/api/contract';
import { describe, expect, it } from 'vitest';
import { en } from '../i18n/en';
import { it as itCatalogue } from '../i18n/it';
import { DESTRUCTIVE_ACTIONS } from './workflow';

/** The workflow's codes as the API sends them; each must read as words in both languages, never as a raw code. */
const CHECKLIST_KEYS = [
  'vpn-client',
  'certificate-installed',
  'connection-tested',
  'office-software',
  'disk-encryption',
  'user-briefed',
  'dock-connected',
  'screen-keyboard-mouse',
  'device-tested',
  'sim-activated',
  'softphone-configured',
];
const ITEM_STATUSES = ['pending', 'waiting_telephony', 'assigned', 'issued', 'installed', 'returned', 'lost'];
const EVENT_ACTIONS = [...REQUEST_ACTIONS, 'create', 'assign', 'unassign', 'assign-asset', 'certificate-requested', 'certificate-issued'];
const HOLDER_STATUSES = REQUEST_STATUSES;

const expected = [
  ...REQUEST_STATUSES.map((status) => `requestStatus.${status}`),
  ...HOLDER_STATUSES.map((status) => `request.next.${status}`),
  ...REQUEST_ACTIONS.flatMap((action) => [`requestAction.${action}`, `requestAction.${action}.hint`, `requestAction.${action}.done`]),
  ...[...DESTRUCTIVE_ACTIONS].map((action) => `requestAction.${action}.confirm`),
  ...EVENT_ACTIONS.map((action) => `requestEvent.${action}`),
  ...ITEM_STATUSES.map((status) => `itemStatus.${status}`),
  ...CHECKLIST_KEYS.map((key) => `checklist.${key}`),
  ...REQUEST_KINDS.map((kind) => `technology.${kind}`),
  ...ASSET_TYPES.map((type) => `assetType.${type}`),
  ...['in_stock', 'assigned', 'in_repair', 'retired'].map((status) => `assetStatus.${status}`),
];

describe('workflow labels', () => {
  it.each(expected)('%s exists in Italian and English', (key) => {
    expect(Object.hasOwn(itCatalogue, key), `it: ${key}`).toBe(true);
    expect(Object.hasOwn(en, key), `en: ${key}`).toBe(true);
  });

  it('names the request in every confirmation question', () => {
    for (const action of DESTRUCTIVE_ACTIONS) {
      expect(itCatalogue[`requestAction.${action}.confirm` as keyof typeof itCatalogue]).toContain('{number}');
    }
  });
});
