// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../src-shared/api/contract';
import { demoDay } from '../../src-shared/demo/demoDay';
import type { QueueVisit } from '../../src-shared/domain/visit';
import { DEFAULT_RETRY_POLICY, EMPTY_WORKFLOW } from '../../src-shared/workflow/outcome';
import { initI18n } from '../../src-renderer/i18n';
import { VisitPanel } from '../../src-renderer/visit/VisitPanel';

/** The citizen before a call: the current CPR masked (or plainly that the EOJ has none), and their relatives. */
describe('the visit panel', () => {
  beforeAll(async () => {
    await initI18n();
  });
  afterEach(cleanup);
  // The panel reads the visit's details over the API; only that answer matters here (no last outcome).
  const api = { visit: { details: async () => ({ lastOutcome: null }) } } as unknown as ApiClient;
  const visit = (cprMasked: string | null, citizen: Partial<QueueVisit['citizen']> = {}): QueueVisit => {
    const demo = demoDay(new Date('2026-12-02T12:00:00+01:00')).visits[0] as QueueVisit;
    return { ...demo, citizen: { ...demo.citizen, cprMasked, ...citizen }, workflow: EMPTY_WORKFLOW };
  };
  const panel = (v: QueueVisit) =>
    render(
      <VisitPanel
        api={api}
        visit={v}
        retryPolicy={DEFAULT_RETRY_POLICY}
        check={null}
        canRing={false}
        onRing={() => undefined}
        onOutcome={() => undefined}
        onClose={() => undefined}
      />,
    );

  it('a citizen without a current CPR number is shown as such, with nothing to reveal', () => {
    panel(visit(null));
    expect(screen.getByTestId('cpr').textContent).toBe('Intet gældende CPR-nummer i EOJ');
    expect(screen.queryByRole('button', { name: 'Vis fuldt CPR' })).toBeNull();
  });

  it('a current CPR number is shown masked, with the audited reveal', () => {
    panel(visit('010140-xxxx'));
    expect(screen.getByTestId('cpr').textContent).toBe('010140-xxxx');
    expect(screen.getByRole('button', { name: 'Vis fuldt CPR' })).toBeTruthy();
  });

  it("lists the citizen's relatives with whether the citizen consents to their taking part", () => {
    panel(
      visit('010140-xxxx', {
        relatives: [
          { id: 'anna', name: 'Anna Hansen', relationship: 'Datter', mayJoin: true, canText: true },
          { id: 'bo', name: 'Bo Hansen', relationship: 'Søn', mayJoin: false, canText: true },
        ],
      }),
    );
    expect(screen.getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'Anna Hansen (datter) – må deltage',
      'Bo Hansen (søn) – intet samtykke til at deltage',
    ]);
  });

  it('says so when the EOJ lists no relatives, and that it is not known when it could not be asked', () => {
    panel(visit('010140-xxxx', { relatives: [] }));
    expect(screen.getByTestId('relatives').textContent).toBe('EOJ har ingen pårørende registreret');
    cleanup();
    panel(visit('010140-xxxx', { relatives: undefined, relativesMayJoin: null }));
    expect(screen.getByTestId('relatives').textContent).toBe('ukendt');
  });
});
