import { existsSync, readFileSync } from 'node:fs';
import { expect, type Page } from '@playwright/test';
import { eojToken } from '../helpers/idp';
import type { Clock } from '../../src-shared/time/clock';
import { openSignedIn, pairFromRow } from './callFlow';
import { readEoj } from './browserMode';

/** What the guest tests and the guest bench share: a relative who may take part, a visit, the SMS. */
const TEAM = 'team-skaermenhed-nord';
type Json = Record<string, unknown>;

/** A citizen of the team with a relative the EOJ allows (Consent permit) and who can be texted. */
export async function allowedRelative(eojUrl: string): Promise<{ citizenId: string; relativeId: string; name: string; phone: string }> {
  const consents = await readEoj<{ entry: { resource: Json }[] }>(eojUrl, '/Consent?status=active&_count=1000');
  for (const { resource } of consents.entry) {
    const c = resource as { patient: { reference: string }; provision: { type: string; actor: { reference: { reference: string } }[] } };
    if (c.provision.type !== 'permit') continue;
    const relativeId = (c.provision.actor[0]?.reference.reference ?? '').split('/')[1] ?? '';
    const person = await readEoj<{ name: { text: string }[]; telecom: { value: string }[] }>(eojUrl, `/RelatedPerson/${relativeId}`);
    return { citizenId: c.patient.reference.split('/')[1] ?? '', relativeId, name: person.name[0]?.text ?? '', phone: person.telecom[0]?.value ?? '' };
  }
  throw new Error('no relative with consent in the demo day');
}

/** Louise's visit with the citizen, five minutes from now, in her room. */
export async function bookVisit(eojUrl: string, citizenId: string, clock: Clock): Promise<string> {
  const token = await eojToken(eojUrl, 'mette');
  const start = new Date(clock.nowMs() + 5 * 60_000);
  const res = await fetch(`${eojUrl}/Appointment`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' },
    body: JSON.stringify({
      resourceType: 'Appointment',
      status: 'booked',
      serviceType: [{ text: 'Tilsyn' }],
      description: 'Skærmbesøg med pårørende',
      start: start.toISOString(),
      end: new Date(start.getTime() + 15 * 60_000).toISOString(),
      participant: [
        { actor: { reference: `Patient/${citizenId}` }, status: 'accepted' },
        { actor: { reference: 'Practitioner/practitioner-2' }, status: 'accepted' },
        { actor: { reference: 'Location/room-2' }, status: 'accepted' },
        { actor: { reference: `HealthcareService/${TEAM}` }, status: 'accepted' },
      ],
    }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

/** Staff pair the citizen's tablet from the visit's row and open the visit panel. */
export async function pairAndOpen(staff: Page, citizen: Page, appUrl: string, citizenUrl: string, visitId: string): Promise<void> {
  await openSignedIn(staff, appUrl);
  const row = staff.locator(`tr[data-visit-id="${visitId}"]`);
  await expect(row).toBeVisible({ timeout: 15_000 });
  await pairFromRow(staff, citizen, row, citizenUrl);
  await row.locator('button.visit-open').click();
}

/** The last SMS to a number in the sandbox's outbox: the link and the PIN. */
export function lastSms(outboxFile: string, phone: string): { url: string; pin: string } {
  expect(existsSync(outboxFile)).toBe(true);
  const lines = readFileSync(outboxFile, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { to: string; text: string });
  const sms = lines.filter((l) => l.to === phone).at(-1);
  return { url: /(http\S+#[A-Za-z0-9_-]+)/.exec(sms?.text ?? '')?.[1] ?? '', pin: /koden (\d{6})/.exec(sms?.text ?? '')?.[1] ?? '' };
}
