// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxEntry, SyncProblem, SyncStatus } from '../../src-shared/domain/outbox';
import { initI18n, switchLanguage } from '../../src-renderer/i18n';
import { ProblemList } from '../../src-renderer/sync/ProblemList';
import { SyncBanner } from '../../src-renderer/sync/SyncBanner';

/** What the staff member reads when the EOJ refuses, is busy, or sends something unreadable. */
describe('sync problems in words (Danish first)', () => {
  beforeAll(async () => {
    await initI18n();
  });
  afterEach(async () => {
    cleanup();
    await switchLanguage('da');
  });
  const row = (over: Partial<OutboxEntry>): OutboxEntry => ({
    seq: 1,
    mutationId: '11111111-1111-4111-8111-111111111111',
    visitId: 'a1',
    intent: { kind: 'visit.status', status: 'completed', at: '2026-12-02T09:00:00Z', actorId: 'p' },
    baseVersion: '1',
    state: 'dead',
    attempts: 0,
    nextAttemptAt: '2026-12-02T09:00:00Z',
    error: { code: 'refused', serverText: 'Aftalen er låst af visitator', subject: 'Appointment/a1' },
    createdAt: '2026-12-02T09:00:00Z',
    ...over,
  });
  const bad: SyncProblem = {
    resource: 'Appointment/x9',
    field: 'start',
    kind: 'missing',
    detail: 'mangler',
    firstSeenAt: '2026-12-02T09:31:00Z',
    lastSeenAt: '2026-12-02T09:31:00Z',
  };

  it("a refusal keeps the EOJ's words and says it must be sent again by hand; a conflict says nothing was sent", () => {
    const conflict = row({
      mutationId: '22222222-2222-4222-8222-222222222222',
      state: 'conflict',
      error: { code: 'conflict', serverText: 'cancelled', subject: null },
    });
    render(<ProblemList problems={[row({}), conflict]} readProblems={[bad]} unrecognised={null} visits={[]} onResolve={() => undefined} />);
    const items = screen.getAllByRole('listitem');
    expect(items[0]?.textContent).toContain('EOJ afviste ændringen. EOJ skrev: »Aftalen er låst af visitator«. Skal sendes igen manuelt.');
    expect(items[1]?.textContent).toContain('Besøget er allerede aflyst i EOJ af en anden. Din ændring er ikke sendt');
    expect(items[2]?.textContent).toBe('Appointment/x9: start mangler (mangler) – set første gang kl. 10:31');
    expect(screen.getByRole('heading', { name: '1 ting fra EOJ kunne ikke læses – resten af dagen er hentet' })).toBeTruthy();
    expect(document.body.textContent).not.toMatch(/[{}[\]]|invalid_type|expected/);
  });

  it('what the visits carried that Skærmrum does not read is counted, never dropped in silence (Danish, then English)', async () => {
    const shapes = { participants: 3, identifiers: 0, extensions: 1 };
    const { rerender } = render(<ProblemList problems={[]} readProblems={[]} unrecognised={shapes} visits={[]} onResolve={() => undefined} />);
    expect(screen.getByRole('heading', { name: 'Står i EOJ, men vises ikke her (uændret i EOJ)' })).toBeTruthy();
    expect(screen.getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      '3 besøg med en deltagertype, Skærmrum ikke kender',
      '1 besøg med udvidelser (extensions), Skærmrum ikke læser',
    ]);
    await switchLanguage('en');
    rerender(<ProblemList problems={[]} readProblems={[]} unrecognised={shapes} visits={[]} onResolve={() => undefined} />);
    expect(screen.getAllByRole('listitem')[0]?.textContent).toBe('3 visits with a participant type Skærmrum does not know');
    // Nothing unrecognised: nothing shown.
    rerender(
      <ProblemList problems={[]} readProblems={[]} unrecognised={{ participants: 0, identifiers: 0, extensions: 0 }} visits={[]} onResolve={() => undefined} />,
    );
    expect(screen.queryAllByRole('listitem')).toEqual([]);
  });

  it('a busy EOJ says when it is tried again; a missing capability names it; English too', async () => {
    const sync: SyncStatus = {
      state: 'error',
      lastSuccessAt: '2026-12-02T09:30:00Z',
      error: { code: 'busy', serverText: null, subject: null },
      nextAttemptAt: '2026-12-02T09:32:00Z',
      unrecognised: { participants: 0, identifiers: 0, extensions: 0 },
      staleAfterSeconds: 60,
      outbox: { pending: 2, inflight: 0, conflict: 0, dead: 0 },
      problems: 0,
    };
    const { rerender } = render(<SyncBanner sync={sync} />);
    expect(screen.getByRole('status').textContent).toContain('EOJ var optaget. Prøver igen kl. 10:32.');
    rerender(<SyncBanner sync={{ ...sync, error: { code: 'capability_missing', serverText: null, subject: 'Appointment?date' } }} />);
    expect(screen.getByRole('status').textContent).toContain('EOJ understøtter ikke Appointment?date, som Skærmrum har brug for.');
    await switchLanguage('en');
    rerender(<SyncBanner sync={sync} />);
    expect(screen.getByRole('status').textContent).toContain('The EOJ was busy. Trying again at 10:32.');
  });
});
