import { describe, expect, it } from 'vitest';
import { demoDay } from '../../src-shared/demo/demoDay';
import type { QueueVisit } from '../../src-shared/domain/visit';
import { Communication, Encounter, Task } from '../../src-shared/fhir/schemas';
import { isAttempt, visitIdOf, workflowFromEoj } from '../../src-shared/fhir/teamState';
import { attemptCommunicationFor, encounterFor, escalationTaskFor, movedAppointment, slotOf } from '../../src-shared/fhir/write';
import { Appointment } from '../../src-shared/fhir/schemas';
import { buildBoard } from '../../src-shared/team/board';
import { DEFAULT_TEAM_SETTINGS, type TeamMember } from '../../src-shared/team/members';
import { bulkMoves, isBlocking, moveConsequences, withinHours } from '../../src-shared/team/moves';
import { mergePresence } from '../../src-shared/team/presence';
import { EMPTY_WORKFLOW } from '../../src-shared/workflow/outcome';

const at = (iso: string) => new Date(iso).toISOString();
const base = demoDay(new Date('2026-12-02T12:00:00+01:00')).visits[0] as ReturnType<typeof demoDay>['visits'][number];
function visit(id: string, startIso: string, minutes: number, over: Partial<QueueVisit> = {}): QueueVisit {
  return {
    ...base,
    id,
    start: at(startIso),
    end: new Date(Date.parse(startIso) + minutes * 60_000).toISOString(),
    practitioner: { id: 'anna', name: 'Anna' },
    citizen: { ...base.citizen, id: `citizen-${id}` },
    status: 'planned',
    workflow: EMPTY_WORKFLOW,
    ...over,
  };
}
const anna: TeamMember = {
  practitionerId: 'anna',
  name: 'Anna',
  role: 'staff',
  roomId: 'room-1',
  roomName: 'Videorum 1',
  hours: [{ start: '07:00', end: '15:00' }],
};
const jonas: TeamMember = {
  practitionerId: 'jonas',
  name: 'Jonas',
  role: 'staff',
  roomId: 'room-2',
  roomName: 'Videorum 2',
  hours: [{ start: '15:00', end: '23:00' }],
};
const to = (m: TeamMember | null, startIso: string, minutes: number) => ({
  practitioner: m ? { id: m.practitionerId, name: m.name } : null,
  room: m?.roomId ? { id: m.roomId, name: m.roomName ?? '' } : null,
  start: at(startIso),
  end: new Date(Date.parse(startIso) + minutes * 60_000).toISOString(),
});

describe('what a move would mean', () => {
  const day = [
    visit('a', '2026-12-02T10:00:00+01:00', 10),
    visit('b', '2026-12-02T16:00:00+01:00', 15, { practitioner: { id: 'jonas', name: 'Jonas' } }),
    visit('done', '2026-12-02T09:00:00+01:00', 10, { status: 'completed' }),
    visit('calling', '2026-12-02T11:00:00+01:00', 10),
    visit('c', '2026-12-02T16:30:00+01:00', 10, { practitioner: { id: 'jonas', name: 'Jonas' } }),
    visit('d', '2026-12-02T16:45:00+01:00', 10, { practitioner: { id: 'jonas', name: 'Jonas' } }),
    visit('e', '2026-12-02T16:50:00+01:00', 5, { practitioner: { id: 'jonas', name: 'Jonas' } }),
  ];
  const context = { visits: day, members: [anna, jonas], settings: DEFAULT_TEAM_SETTINGS, inCall: new Set(['calling']) };
  const kinds = (id: string, target: ReturnType<typeof to>) => (moveConsequences([{ visitId: id, to: target }], context).get(id) ?? []).map((c) => c.kind);

  it('refuses a call in progress and a closed visit (blocking)', () => {
    expect(kinds('calling', to(jonas, '2026-12-02T17:00:00+01:00', 10))).toEqual(['in_call']);
    expect(kinds('done', to(jonas, '2026-12-02T17:00:00+01:00', 10))).toEqual(['closed']);
    expect(
      moveConsequences([{ visitId: 'done', to: to(jonas, '2026-12-02T17:00:00+01:00', 10) }], context)
        .get('done')
        ?.every(isBlocking),
    ).toBe(true);
  });
  it('names an overlap with the staff member\u2019s other visit, outside their hours, and too many calls in the hour', () => {
    expect(kinds('a', to(jonas, '2026-12-02T16:05:00+01:00', 10))).toEqual(['overlap', 'hourly_limit']);
    expect(kinds('a', to(jonas, '2026-12-02T10:00:00+01:00', 10))).toEqual(['outside_hours']);
    expect(kinds('a', to(anna, '2026-12-02T10:30:00+01:00', 10))).toEqual([]);
    // The night is two intervals; a shift that is not known is not held against a move.
    expect(
      withinHours(
        {
          ...anna,
          hours: [
            { start: '00:00', end: '07:30' },
            { start: '22:00', end: '24:00' },
          ],
        },
        to(anna, '2026-12-02T23:50:00+01:00', 10),
      ),
    ).toBe(true);
    expect(withinHours({ ...anna, hours: [] }, to(anna, '2026-12-02T03:00:00+01:00', 10))).toBe(true);
  });
  it('names when the citizen already has a visit then', () => {
    const sameCitizen = visit('twin', '2026-12-02T12:00:00+01:00', 10, {
      citizen: { ...base.citizen, id: 'citizen-a' },
      practitioner: { id: 'jonas', name: 'Jonas' },
    });
    const found = moveConsequences([{ visitId: 'a', to: to(anna, '2026-12-02T12:05:00+01:00', 10) }], { ...context, visits: [...day, sameCitizen] }).get('a');
    expect(found).toEqual([{ kind: 'citizen_busy', visitId: 'twin', start: sameCitizen.start }]);
  });
  it('a bulk move takes the rest of the day, and checks each move against the others', () => {
    const moves = bulkMoves(day, 'jonas', anna, new Date('2026-12-02T16:20:00+01:00'));
    expect(moves.map((m) => m.visitId)).toEqual(['c', 'd', 'e']);
    expect(moves.every((m) => m.to.practitioner?.id === 'anna' && m.to.room?.id === 'room-1')).toBe(true);
    const found = moveConsequences(moves, context);
    expect(found.get('e')?.map((c) => c.kind)).toEqual(['overlap', 'outside_hours']);
    expect(bulkMoves(day, 'jonas', null, new Date('2026-12-02T16:20:00+01:00')).every((m) => m.to.practitioner === null)).toBe(true);
  });
});

describe('the board as data', () => {
  it('rows per member and one for the unassigned, lanes for overlaps, gaps and overloads marked', () => {
    const visits = [
      visit('a', '2026-12-02T07:00:00+01:00', 30),
      visit('b', '2026-12-02T07:20:00+01:00', 20),
      visit('c', '2026-12-02T13:00:00+01:00', 10),
      visit('x', '2026-12-02T10:00:00+01:00', 10, { practitioner: null }),
    ];
    const board = buildBoard(visits, [anna], new Date('2026-12-02T12:00:00+01:00'), DEFAULT_TEAM_SETTINGS);
    expect(board.dayMinutes).toBe(1440);
    const [row, unassigned] = board.rows;
    expect(row?.blocks.map((b) => [b.visit.id, b.fromMinute, b.lane])).toEqual([
      ['a', 420, 0],
      ['b', 440, 1],
      ['c', 780, 0],
    ]);
    expect(row?.lanes).toBe(2);
    expect(row?.marks.map((m) => [m.kind, m.fromMinute, m.toMinute])).toEqual([
      ['overlap', 440, 450],
      ['gap', 460, 780],
      ['gap', 790, 900],
    ]);
    expect(row?.load).toEqual({ visits: 3, open: 3, minutes: 60 });
    expect(unassigned?.member).toBeNull();
    expect(unassigned?.blocks.map((b) => b.visit.id)).toEqual(['x']);
  });
  it('counts real minutes on the DST days (23 and 25 hours) and marks more calls in an hour than allowed', () => {
    const spring = buildBoard([], [anna], new Date('2027-03-28T12:00:00+02:00'), DEFAULT_TEAM_SETTINGS);
    expect(spring.dayMinutes).toBe(1380);
    expect(buildBoard([], [anna], new Date('2026-10-25T12:00:00+01:00'), DEFAULT_TEAM_SETTINGS).dayMinutes).toBe(1500);
    // 07:00 on the spring day is 360 real minutes after midnight (one hour is missing).
    expect(spring.rows[0]?.marks[0]).toMatchObject({ kind: 'gap', fromMinute: 360 });
    const busy = Array.from({ length: 5 }, (_, i) => visit(`v${i}`, `2026-12-02T09:${String(i * 10).padStart(2, '0')}:00+01:00`, 5));
    expect(
      buildBoard(busy, [anna], new Date('2026-12-02T12:00:00+01:00'), DEFAULT_TEAM_SETTINGS).rows[0]?.marks.filter((m) => m.kind === 'hourly_limit'),
    ).toHaveLength(1);
  });
});

describe('presence', () => {
  const report = (state: 'in_call' | 'signed_in' | 'idle', atMs: number, visitId: string | null = null) => ({ state, roomId: 'room-2', visitId, atMs });
  const staff = { practitionerId: 'p2', name: 'Louise' };
  it('is the strongest of the connections, keeps its since while unchanged, and is offline with none', () => {
    const one = mergePresence(staff, [report('signed_in', 1_000)], null, 1_000);
    expect(one).toMatchObject({ state: 'signed_in', roomId: 'room-2', visitId: null });
    const calling = mergePresence(staff, [report('signed_in', 1_000), report('in_call', 5_000, 'v1')], one, 5_000);
    expect(calling).toMatchObject({ state: 'in_call', visitId: 'v1', since: new Date(5_000).toISOString() });
    expect(mergePresence(staff, [report('in_call', 6_000, 'v1')], calling, 6_000).since).toBe(calling.since);
    const idle = mergePresence(staff, [report('idle', 9_000)], calling, 9_000);
    expect(idle).toMatchObject({ state: 'idle', visitId: null });
    expect(mergePresence(staff, [], idle, 12_000)).toMatchObject({ state: 'offline', roomId: 'room-2', since: new Date(12_000).toISOString() });
  });
});

describe('the team state in FHIR and back', () => {
  const appointment = Appointment.parse({
    resourceType: 'Appointment',
    id: 'a1',
    status: 'booked',
    start: at('2026-12-02T10:00:00+01:00'),
    end: at('2026-12-02T10:10:00+01:00'),
    participant: [
      { actor: { reference: 'Patient/p1' }, status: 'accepted' },
      { actor: { reference: 'Practitioner/anna' }, status: 'accepted' },
      { actor: { reference: 'Location/room-1' }, status: 'accepted' },
      { actor: { reference: 'HealthcareService/t1' }, status: 'accepted' },
    ],
  });
  const attempt = (n: number, sent: string, retryAt: string | null) =>
    Communication.parse(
      attemptCommunicationFor(`m${n}`, 'a1', {
        kind: 'visit.attempt',
        at: sent,
        actorId: 'anna',
        outcome: 'not_answered',
        attempt: n,
        of: 3,
        retryAt,
        patientId: 'p1',
        rangAt: sent,
        note: `forsøg ${n}`,
      }),
    );

  it('attempts are not-done Communications based on the Appointment; two of them read back as "Nyt forsøg kl. … (3/3)"', () => {
    const first = attempt(1, at('2026-12-02T10:01:00+01:00'), at('2026-12-02T10:06:00+01:00'));
    const second = attempt(2, at('2026-12-02T10:07:00+01:00'), at('2026-12-02T10:12:00+01:00'));
    expect(first).toMatchObject({
      status: 'not-done',
      basedOn: [{ reference: 'Appointment/a1' }],
      sender: { reference: 'Practitioner/anna' },
      subject: { reference: 'Patient/p1' },
    });
    expect(isAttempt(first)).toBe(true);
    expect(visitIdOf(first)).toBe('a1');
    expect(workflowFromEoj({ attempts: [second, first], encounters: [], tasks: [] }, true)).toEqual({
      ...EMPTY_WORKFLOW,
      failedAttempts: 2,
      outcome: 'not_answered',
      note: 'forsøg 2',
      retryAt: at('2026-12-02T10:12:00+01:00'),
    });
    // Closed since (an escalation after the last): no retry time is shown.
    expect(workflowFromEoj({ attempts: [first, second], encounters: [], tasks: [] }, false).retryAt).toBeNull();
  });

  it('a held call after attempts is the outcome; an escalation Task sets when and why', () => {
    const first = attempt(1, at('2026-12-02T10:01:00+01:00'), at('2026-12-02T10:06:00+01:00'));
    const encounter = Encounter.parse(
      encounterFor(
        'm9',
        'a1',
        {
          kind: 'visit.status',
          status: 'completed',
          at: at('2026-12-02T10:20:00+01:00'),
          actorId: 'anna',
          encounter: {
            start: at('2026-12-02T10:08:00+01:00'),
            end: at('2026-12-02T10:18:00+01:00'),
            outcome: 'urgent',
            note: 'Faldet',
            rangAt: at('2026-12-02T10:07:40+01:00'),
            lengthSeconds: 540,
          },
        },
        appointment,
      ),
    );
    const task = Task.parse(
      escalationTaskFor('m10', 'a1', {
        kind: 'visit.escalate',
        at: at('2026-12-02T10:12:00+01:00'),
        actorId: 'anna',
        reason: 'urgent',
        priority: 'stat',
        patientId: 'p1',
        ownerId: 'g1',
        note: '',
      }),
    );
    expect(workflowFromEoj({ attempts: [first], encounters: [encounter], tasks: [task] }, false)).toEqual({
      failedAttempts: 1,
      outcome: 'urgent',
      note: 'Faldet',
      durationSeconds: 540,
      retryAt: null,
      escalatedAt: at('2026-12-02T10:12:00+01:00'),
      escalationReason: 'urgent',
      urgentAt: at('2026-12-02T10:12:00+01:00'),
      calledAt: at('2026-12-02T10:08:00+01:00'),
    });
  });

  it('a move replaces who and where and when, and keeps the citizen and the team', () => {
    const moved = movedAppointment(
      { ...appointment, id: 'a1' },
      { practitioner: { id: 'jonas', name: 'Jonas' }, room: null, start: at('2026-12-02T16:00:00+01:00'), end: at('2026-12-02T16:10:00+01:00') },
    );
    expect(moved.participant.map((p) => p.actor?.reference)).toEqual(['Patient/p1', 'HealthcareService/t1', 'Practitioner/jonas']);
    expect(slotOf(moved)).toEqual({ practitionerId: 'jonas', roomId: null, start: at('2026-12-02T16:00:00+01:00'), end: at('2026-12-02T16:10:00+01:00') });
  });
});
