import { z } from 'zod';
import { StaffRole } from '../domain/visit.js';

/**
 * Which claim carries the roles and how the municipality's role names map onto Skærmrum's. Entra
 * ID sends app roles in `roles`; an OIDC broker for FK Adgangsstyring sends job-function roles
 * under a claim of its own. Configuration, not code: README → Log ind.
 */
export const RoleMapping = z.object({
  claim: z.string().min(1).max(100),
  map: z.partialRecord(StaffRole, z.array(z.string().min(1)).min(1)),
});
export type RoleMapping = z.infer<typeof RoleMapping>;

/** The sandbox IdP's role names (src-server/idp/users.ts). */
export const SANDBOX_ROLE_MAPPING: RoleMapping = {
  claim: 'roles',
  map: { staff: ['Skaermrum.Medarbejder'], team_lead: ['Skaermrum.Teamleder'], leader: ['Skaermrum.Leder'] },
};

/** "team_lead=Skaermrum.Teamleder,FK.Teamleder;staff=Skaermrum.Medarbejder" → a mapping. */
export function parseRoleMap(claim: string, text: string): RoleMapping {
  const map: Partial<Record<StaffRole, string[]>> = {};
  for (const part of text
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [role, names] = part.split('=');
    const parsedRole = StaffRole.safeParse(role?.trim());
    if (!parsedRole.success || !names) throw new Error(`Ugyldig rollemapping "${part}": skriv rolle=navn1,navn2 (roller: ${StaffRole.options.join(', ')})`);
    map[parsedRole.data] = names
      .split(',')
      .map((n) => n.trim())
      .filter(Boolean);
  }
  return RoleMapping.parse({ claim, map });
}

/** The two settings each process reads (the client's SKAERMRUM_ROLE_*, signalling's SIGNAL_ROLE_*), with the same limits. */
export const RoleClaimSetting = z.string().min(1, 'må ikke være tom').max(100, 'højst 100 tegn');
export const RoleMapSetting = z.string().min(3, 'for kort: skriv rolle=navn1,navn2').max(2000, 'højst 2000 tegn');

/**
 * The mapping a process runs with: the claim setting, and the map setting read by parseRoleMap (a
 * bad one refused naming the setting); without a map, the sandbox's role names under that claim.
 */
export function roleMappingFromSettings(settings: { claim: string | undefined; map: string | undefined; mapSetting: string }): RoleMapping {
  const claim = settings.claim ?? SANDBOX_ROLE_MAPPING.claim;
  if (!settings.map) return { ...SANDBOX_ROLE_MAPPING, claim };
  try {
    return parseRoleMap(claim, settings.map);
  } catch (error) {
    throw new Error(`Ugyldig konfiguration: ${settings.mapSetting}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** Most privileged first: the role the UI opens with when a person holds several. */
const PRECEDENCE: readonly StaffRole[] = ['team_lead', 'leader', 'staff'];

/** The Skærmrum roles a token's claims give; unknown names are ignored, a string claim counts as one. */
export function rolesFromClaims(claims: Record<string, unknown>, mapping: RoleMapping): StaffRole[] {
  const raw = claims[mapping.claim];
  const names = new Set(typeof raw === 'string' ? raw.split(' ') : Array.isArray(raw) ? raw.filter((r): r is string => typeof r === 'string') : []);
  return PRECEDENCE.filter((role) => (mapping.map[role] ?? []).some((name) => names.has(name)));
}

/** The role a session runs as: the most privileged one held, or null (no Skærmrum role: refused). */
export const primaryRole = (roles: readonly StaffRole[]): StaffRole | null => roles[0] ?? null;
