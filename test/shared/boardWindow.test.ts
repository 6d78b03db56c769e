import { describe, expect, it } from 'vitest';
import { buildBoard } from '../../src-shared/team/board';
import { defaultZoom, firstMinuteShown, initials, stepZoom, workingWindow, zoomMinutes } from '../../src-shared/team/boardWindow';
import { DEFAULT_TEAM_SETTINGS, type TeamMember } from '../../src-shared/team/members';

const member = (id: string, hours: TeamMember['hours']): TeamMember => ({ practitionerId: id, name: id, role: 'staff', roomId: null, roomName: null, hours });
const day = shifts();
function shifts(): TeamMember[] {
  return [
    member('day', [{ start: '07:00', end: '15:00' }]),
    member('evening', [{ start: '15:00', end: '23:00' }]),
    member('night', [
      { start: '00:00', end: '07:30' },
      { start: '22:00', end: '24:00' },
    ]),
  ];
}
const windowOn = (iso: string, members: TeamMember[]) => {
  const board = buildBoard([], members, new Date(iso), DEFAULT_TEAM_SETTINGS);
  return { board, working: workingWindow(members, new Date(iso), board.dayStartMs, board.dayMinutes) };
};

describe('the board\u2019s window on the day', () => {
  it('is the team\u2019s working day from the staff\u2019s hours, leaving out night shifts that touch midnight', () => {
    const { working } = windowOn('2026-12-02T12:00:00+01:00', day);
    expect(working).toEqual({ fromMinute: 7 * 60, toMinute: 23 * 60 });
    // Only night staff: the whole day.
    expect(windowOn('2026-12-02T12:00:00+01:00', [day[2] as TeamMember]).working).toEqual({ fromMinute: 0, toMinute: 1440 });
  });

  it('counts real minutes on DST days: 07:00 is minute 360 on the spring night and 480 on the autumn one', () => {
    const spring = windowOn('2027-03-28T12:00:00+02:00', day);
    expect(spring.board.dayMinutes).toBe(1380);
    expect(spring.working).toEqual({ fromMinute: 6 * 60, toMinute: 22 * 60 });
    const autumn = windowOn('2026-10-25T12:00:00+01:00', day);
    expect(autumn.board.dayMinutes).toBe(1500);
    expect(autumn.working).toEqual({ fromMinute: 8 * 60, toMinute: 24 * 60 });
    expect(zoomMinutes('day', autumn.working, 1500)).toBe(1500);
  });

  it('opens at the widest zoom that keeps a 10-minute visit readable', () => {
    const working = { fromMinute: 420, toMinute: 1380 };
    // A 10-minute visit needs 64 px: 1000 px of track fit 2 hours, 1700 px 4, 3300 px 8, 7000 px the 16-hour working day.
    expect(defaultZoom(1000, 64, working, 1440)).toBe('h2');
    expect(defaultZoom(1700, 64, working, 1440)).toBe('h4');
    expect(defaultZoom(3300, 64, working, 1440)).toBe('h8');
    expect(defaultZoom(7000, 64, working, 1440)).toBe('workday');
    expect(defaultZoom(10_000, 64, working, 1440)).toBe('day');
    // Too narrow for any: the narrowest step.
    expect(defaultZoom(300, 64, working, 1440)).toBe('h2');
    // A short working day (3 h) is between 2 h and 4 h.
    expect(defaultZoom(1200, 64, { fromMinute: 600, toMinute: 780 }, 1440)).toBe('workday');
  });

  it('zooms in and out by the minutes shown, stopping at either end', () => {
    const working = { fromMinute: 420, toMinute: 1380 };
    expect(stepZoom('h4', -1, working, 1440)).toBe('h2');
    expect(stepZoom('h2', -1, working, 1440)).toBe('h2');
    expect(stepZoom('h8', 1, working, 1440)).toBe('workday');
    expect(stepZoom('day', 1, working, 1440)).toBe('day');
    expect(stepZoom('workday', 1, { fromMinute: 600, toMinute: 780 }, 1440)).toBe('h4');
  });

  it('shows a quarter of the window before now, or the working day\u2019s start, never past either end of the day', () => {
    const working = { fromMinute: 420, toMinute: 1380 };
    expect(firstMinuteShown(600, working, 240, 1440)).toBe(540);
    expect(firstMinuteShown(10, working, 240, 1440)).toBe(0);
    expect(firstMinuteShown(1430, working, 240, 1440)).toBe(1200);
    // Another day than today: its working hours.
    expect(firstMinuteShown(-300, working, 240, 1440)).toBe(420);
    expect(firstMinuteShown(2000, working, 240, 1440)).toBe(420);
  });

  it('abbreviates a name to its first and last initials', () => {
    expect(initials('Inger Møllegaard')).toBe('IM');
    expect(initials('Anne-Grethe Ørum Skov')).toBe('AS');
    expect(initials('ærbødig')).toBe('Æ');
    expect(initials('')).toBe('');
  });
});
