import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { refreshDelayMs, retryDelayMs } from '../../src-main/auth/refreshSchedule';
import { configFromEnv } from '../../src-main/config';
import { parseRoleMap, primaryRole, roleMappingFromSettings, rolesFromClaims, SANDBOX_ROLE_MAPPING } from '../../src-shared/auth/roles';

describe('token renewal schedule', () => {
  it('renews at 80 % of a token’s life, a long one a minute before it expires, a spent one at once', () => {
    expect(refreshDelayMs(0, 600_000)).toBe(480_000);
    expect(refreshDelayMs(0, 3_600_000)).toBe(2_880_000);
    expect(refreshDelayMs(0, 100_000)).toBe(80_000);
    expect(refreshDelayMs(0, 4_000)).toBe(0);
    expect(refreshDelayMs(10_000, 5_000)).toBe(0);
  });
  it('always renews before expiry and never sooner than 5 s (unless nearly spent)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e12 }), fc.integer({ min: 0, max: 86_400_000 }), (now, life) => {
        const delay = refreshDelayMs(now, now + life);
        if (life <= 5_000) return delay === 0;
        return delay >= 5_000 && delay < life;
      }),
    );
  });
  it('retries a failed renewal with growing pauses, never past expiry', () => {
    expect(retryDelayMs(0, 600_000, 1)).toBe(4_000);
    expect(retryDelayMs(0, 600_000, 3)).toBe(16_000);
    expect(retryDelayMs(0, 10_000, 5)).toBe(10_000);
    expect(retryDelayMs(10_000, 10_000, 1)).toBeNull();
  });
});

describe('roles from the token’s claims', () => {
  it('maps the municipality’s names, most privileged first; unknown names give nothing', () => {
    expect(rolesFromClaims({ roles: ['Skaermrum.Medarbejder', 'Skaermrum.Teamleder'] }, SANDBOX_ROLE_MAPPING)).toEqual(['team_lead', 'staff']);
    expect(rolesFromClaims({ roles: ['Andet'] }, SANDBOX_ROLE_MAPPING)).toEqual([]);
    expect(rolesFromClaims({}, SANDBOX_ROLE_MAPPING)).toEqual([]);
    expect(primaryRole(rolesFromClaims({ roles: ['Skaermrum.Leder'] }, SANDBOX_ROLE_MAPPING))).toBe('leader');
    expect(primaryRole([])).toBeNull();
  });
  it('reads another claim and a space-separated string (FK Adgangsstyring through an OIDC broker)', () => {
    const mapping = parseRoleMap(
      'dk:gov:saml:attribute:Privileges',
      'staff=urn:kl:skaermbesoeg:medarbejder; team_lead=urn:kl:skaermbesoeg:teamleder,Teamleder',
    );
    expect(mapping).toEqual({
      claim: 'dk:gov:saml:attribute:Privileges',
      map: { staff: ['urn:kl:skaermbesoeg:medarbejder'], team_lead: ['urn:kl:skaermbesoeg:teamleder', 'Teamleder'] },
    });
    expect(rolesFromClaims({ 'dk:gov:saml:attribute:Privileges': 'urn:kl:skaermbesoeg:teamleder other' }, mapping)).toEqual(['team_lead']);
  });
  it('refuses a mapping it cannot read, in Danish', () => {
    expect(() => parseRoleMap('roles', 'chef=X')).toThrow(/Ugyldig rollemapping "chef=X"/);
    expect(() => parseRoleMap('roles', 'staff')).toThrow(/Ugyldig rollemapping/);
  });
  it("reads a process's two settings one way (the client's SKAERMRUM_ROLE_*, signalling's SIGNAL_ROLE_*)", () => {
    expect(roleMappingFromSettings({ claim: undefined, map: undefined, mapSetting: 'X' })).toEqual(SANDBOX_ROLE_MAPPING);
    expect(roleMappingFromSettings({ claim: 'groups', map: undefined, mapSetting: 'X' })).toEqual({ ...SANDBOX_ROLE_MAPPING, claim: 'groups' });
    expect(roleMappingFromSettings({ claim: 'groups', map: 'team_lead=leads', mapSetting: 'X' })).toEqual({ claim: 'groups', map: { team_lead: ['leads'] } });
    expect(() => roleMappingFromSettings({ claim: 'groups', map: 'chef=leads', mapSetting: 'SIGNAL_ROLE_MAP' })).toThrow(
      'Ugyldig konfiguration: SIGNAL_ROLE_MAP: Ugyldig rollemapping "chef=leads"',
    );
    expect(configFromEnv({ SKAERMRUM_ROLE_CLAIM: 'groups', SKAERMRUM_ROLE_MAP: 'staff=a,b' }).oidc.roleMapping).toEqual({
      claim: 'groups',
      map: { staff: ['a', 'b'] },
    });
    expect(() => configFromEnv({ SKAERMRUM_ROLE_MAP: 'staff' })).toThrow('Ugyldig konfiguration: SKAERMRUM_ROLE_MAP: Ugyldig rollemapping "staff"');
    expect(() => configFromEnv({ SKAERMRUM_ROLE_CLAIM: '' })).toThrow(/må ikke være tom/);
  });
});
