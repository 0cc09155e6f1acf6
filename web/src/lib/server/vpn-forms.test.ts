import { describe, expect, it } from 'vitest';
import { profileFormValues, readServerForm, validateProfileForm, validateServerForm } from './vpn-forms';

const profile = { code: 'tecnici', name: 'Tecnici', subnet: '10.9.0.0/24', routes: '10.1.0.0/16\n\n# DMZ\n10.2.0.0/24', firewall: '10.1.2.0/24 tcp 443,8443\n10.2.0.0/24 udp 53' };

describe('VPN profile form', () => {
  it('reads one route and one rule per line (blank lines and # comments skipped) and round-trips', () => {
    const checked = validateProfileForm('it', profile);
    expect(checked).toEqual({
      ok: true,
      input: {
        code: 'tecnici',
        name: 'Tecnici',
        subnet: '10.9.0.0/24',
        routes: [{ network: '10.1.0.0/16' }, { network: '10.2.0.0/24' }],
        firewall: [
          { cidr: '10.1.2.0/24', proto: 'tcp', ports: [443, 8443] },
          { cidr: '10.2.0.0/24', proto: 'udp', ports: [53] },
        ],
      },
    });
    if (!checked.ok) return;
    expect(profileFormValues({ ...checked.input, id: 'vpp_x', accounts: 0 })).toEqual({ ...profile, routes: '10.1.0.0/16\n10.2.0.0/24' });
  });

  it('names the field and the line of each error, in the language asked for', () => {
    const checked = validateProfileForm('it', { ...profile, code: 'Tecnici!', firewall: '10.1.2.0/24 tcp 443\n10.2.0.0/24 icmp 53' });
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.fieldErrors['code']).toMatch(/^Lettere minuscole/);
    expect(checked.fieldErrors['firewall']).toMatch(/^Riga 2: Una regola per riga/);
    expect(validateProfileForm('en', { ...profile, routes: '10.1.0.0/33' })).toMatchObject({ ok: false, fieldErrors: { routes: /^Line 1: One IPv4 network/ } });
    expect(validateProfileForm('en', { ...profile, firewall: '10.1.2.0/24 tcp 80x' })).toMatchObject({ ok: false, fieldErrors: { firewall: /^Line 1:/ } });
  });
});

describe('VPN gateway form', () => {
  const form = (entries: Record<string, string>) => {
    const data = new FormData();
    for (const [name, value] of Object.entries(entries)) data.append(name, value);
    return data;
  };
  const good = { name: 'gw-3', host: 'VPN3.Comune.Prato.it', port: '1194', protocol: 'udp', capacity: '200', profileId: 'vpp_0000000000000000', enabled: 'on' };

  it('turns strings into the API shape (host in lower case, numbers, the enabled box)', () => {
    expect(validateServerForm('it', readServerForm(form(good)))).toEqual({
      ok: true,
      input: { name: 'gw-3', host: 'vpn3.comune.prato.it', port: 1194, protocol: 'udp', capacity: 200, profileId: 'vpp_0000000000000000', enabled: true },
    });
    expect(readServerForm(form({ ...good, enabled: '' })).enabled).toBe(false);
  });

  it('refuses a bad port, capacity or protocol next to each field', () => {
    const checked = validateServerForm('it', readServerForm(form({ ...good, port: '70000', capacity: '1.5', protocol: 'icmp' })));
    expect(checked).toMatchObject({ ok: false, fieldErrors: { port: /porta/, capacity: /intero/, protocol: /UDP o TCP/ } });
  });
});
