import { describe, expect, it } from 'vitest';
import { acceptedItems, itemsToAccept } from './acceptance';

describe('acceptance', () => {
  it('reads the frozen acceptance record', () => {
    const record = {
      items: [
        { kind: 'laptop', status: 'installed', model: 'ThinkPad T14', serial: 'PF3ABC01', assetTag: 'PRATO-LT-00001', certificateId: null },
        { kind: 'vpn', status: 'installed', model: null, serial: null, assetTag: null, certificateId: null },
      ],
    };
    expect(acceptedItems(record)).toEqual([
      { kind: 'laptop', model: 'ThinkPad T14', serial: 'PF3ABC01', assetTag: 'PRATO-LT-00001' },
      { kind: 'vpn', model: null, serial: null, assetTag: null },
    ]);
  });

  it('shows nothing for an unknown shape', () => {
    expect(acceptedItems(null)).toBeNull();
    expect(acceptedItems({ things: [] })).toBeNull();
  });

  it('lists the items about to be accepted', () => {
    const asset = { id: 'ast_0123456789', type: 'laptop', model: 'T14', serial: 'S1', assetTag: 'T1' };
    expect(
      itemsToAccept([
        { id: 'itm_1', kind: 'laptop', status: 'installed', asset, certificateId: null, checklist: [] },
        { id: 'itm_2', kind: 'vpn', status: 'installed', asset: null, certificateId: null, checklist: [] },
      ]),
    ).toEqual([
      { kind: 'laptop', model: 'T14', serial: 'S1', assetTag: 'T1' },
      { kind: 'vpn', model: null, serial: null, assetTag: null },
    ]);
  });
});
