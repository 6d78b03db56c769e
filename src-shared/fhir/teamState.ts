import type { z } from 'zod';
import { Outcome, type VisitWorkflow } from '../workflow/outcome.js';
import { parseReference } from './references.js';
import type { Communication, Encounter, Task } from './schemas.js';
import {
  ATTEMPT_CATEGORY,
  ATTEMPT_EXTENSION,
  ATTEMPT_OUTCOME_OF_CODE,
  ESCALATION_REASON_EXTENSION,
  NOTE_EXTENSION,
  OUTCOME_EXTENSION,
  PHYSICAL_VISIT_CODE,
  RETRY_AT_EXTENSION,
  SKAERMRUM_CODES,
} from './write.js';

/**
 * The team's shared state of a visit, read back from the EOJ: its attempts
 * (Communications), the call that was held (Encounter) and escalations (Tasks) become the same
 * workflow a colleague's client recorded, so every client of the team shows the same retries and
 * outcomes. The inverse of src-shared/fhir/write.ts.
 */
type FhirCommunication = z.infer<typeof Communication>;
type FhirEncounter = z.infer<typeof Encounter>;
type FhirTask = z.infer<typeof Task>;

export interface VisitResources {
  attempts: FhirCommunication[];
  encounters: FhirEncounter[];
  tasks: FhirTask[];
}

const ext = (
  r: { extension?: { url: string; valueCode?: string; valueString?: string; valueInteger?: number; valueDateTime?: string }[] | undefined },
  url: string,
) => r.extension?.find((e) => e.url === url);

export const isAttempt = (c: FhirCommunication) =>
  c.category?.some((cat) => cat.coding?.some((code) => code.system === SKAERMRUM_CODES && code.code === ATTEMPT_CATEGORY)) ?? false;
export const isEscalation = (t: FhirTask) => t.code?.coding?.some((c) => c.system === SKAERMRUM_CODES && c.code === PHYSICAL_VISIT_CODE) ?? false;

/** The Appointment a resource of the team's state belongs to ("Appointment/x" → "x"). */
export function visitIdOf(resource: FhirCommunication | FhirEncounter | FhirTask, baseUrl?: string): string | null {
  const refs =
    resource.resourceType === 'Communication'
      ? [...(resource.basedOn ?? []), ...(resource.about ?? [])]
      : resource.resourceType === 'Encounter'
        ? (resource.appointment ?? [])
        : resource.focus
          ? [resource.focus]
          : [];
  for (const r of refs) {
    const parsed = parseReference(r.reference, baseUrl);
    if (parsed?.kind === 'resource' && parsed.type === 'Appointment') return parsed.id;
  }
  return null;
}

const ms = (at: string | undefined | null) => (at ? Date.parse(at) : 0);

/**
 * The workflow of one visit from what the EOJ holds about it. `open`: whether the visit is still to
 * be done (a retry time is shown only then).
 */
export function workflowFromEoj(resources: VisitResources, open: boolean): VisitWorkflow {
  const attempts = resources.attempts.filter((c) => isAttempt(c) && c.status === 'not-done').sort((a, b) => ms(a.sent) - ms(b.sent));
  const encounters = resources.encounters.filter((e) => e.status !== 'entered-in-error').sort((a, b) => ms(a.period?.end) - ms(b.period?.end));
  const tasks = resources.tasks.filter((t) => isEscalation(t) && t.status !== 'entered-in-error').sort((a, b) => ms(a.authoredOn) - ms(b.authoredOn));
  const lastAttempt = attempts.at(-1);
  const encounter = encounters.at(-1);
  const attemptOutcome = (c: FhirCommunication) =>
    ATTEMPT_OUTCOME_OF_CODE[c.statusReason?.coding?.find((code) => code.system === SKAERMRUM_CODES)?.code ?? ''] ?? 'not_answered';
  const encounterOutcome = encounter ? Outcome.safeParse(ext(encounter, OUTCOME_EXTENSION)?.valueCode) : null;
  // The latest of the attempt and the held call decides the outcome shown.
  const latestIsCall = encounter !== undefined && (!lastAttempt || ms(encounter.period?.end) >= ms(lastAttempt.sent));
  const escalation = tasks[0];
  const urgent = tasks.find((t) => t.priority === 'stat');
  const reason = escalation ? Outcome.safeParse(ext(escalation, ESCALATION_REASON_EXTENSION)?.valueCode) : null;
  const lengthMinutes = encounter?.length?.value;
  const failedAttempts = Math.max(attempts.length, lastAttempt ? (ext(lastAttempt, ATTEMPT_EXTENSION)?.valueInteger ?? attempts.length) : 0);
  return {
    failedAttempts,
    outcome: latestIsCall ? (encounterOutcome?.success ? encounterOutcome.data : 'completed') : lastAttempt ? attemptOutcome(lastAttempt) : null,
    note: latestIsCall ? (ext(encounter, NOTE_EXTENSION)?.valueString ?? '') : (lastAttempt?.note?.[0]?.text ?? ''),
    durationSeconds: latestIsCall && lengthMinutes !== undefined ? Math.round(lengthMinutes * 60) : null,
    retryAt: open && !latestIsCall && lastAttempt ? (ext(lastAttempt, RETRY_AT_EXTENSION)?.valueDateTime ?? null) : null,
    escalatedAt: escalation?.authoredOn ?? null,
    escalationReason: reason?.success ? reason.data : escalation ? (urgent ? 'urgent' : 'not_answered') : null,
    urgentAt: urgent?.authoredOn ?? null,
    calledAt: encounter?.period?.start ?? null,
  };
}
