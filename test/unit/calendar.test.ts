import { describe, expect, it } from 'vitest';
import type { CalendarYear, DayKind } from '../../lib/calendar/index.js';
import { calendarOf, statutoryClock, workingDay } from '../../lib/calendar/index.js';

// The State Council's 2026 schedule (国务院办公厅关于2026年部分节假日安排的通知), written here by
// hand, not read from the package the app seeds from, so the expected dates are independent of it.
const HOLIDAYS_2026 = [
  ['2026-01-01', '2026-01-03'],
  ['2026-02-15', '2026-02-23'],
  ['2026-04-04', '2026-04-06'],
  ['2026-05-01', '2026-05-05'],
  ['2026-06-19', '2026-06-21'],
  ['2026-09-25', '2026-09-27'],
  ['2026-10-01', '2026-10-07'],
];
const MAKE_UP_2026 = [
  '2026-01-04',
  '2026-02-14',
  '2026-02-28',
  '2026-05-09',
  '2026-09-20',
  '2026-10-10',
];

function year2026(): CalendarYear {
  const days = new Map<string, DayKind>();
  for (const [from, to] of HOLIDAYS_2026) {
    for (
      let d = new Date(`${from}T00:00:00Z`);
      d <= new Date(`${to}T00:00:00Z`);
      d.setUTCDate(d.getUTCDate() + 1)
    ) {
      days.set(d.toISOString().slice(0, 10), 'holiday');
    }
  }
  for (const d of MAKE_UP_2026) days.set(d, 'workday');
  return {
    year: 2026,
    published: true,
    source: '国务院办公厅通知',
    noticeDate: '2025-11-04',
    days,
  };
}

const calendar = calendarOf([year2026()]);
const clock = (
  accepted: string,
  workingDays: number,
  pauses: { from: string; to: string | null }[] = [],
  today = accepted,
) => statutoryClock(calendar, { accepted, workingDays, pauses, today });

describe('working days', () => {
  it('a make-up day counts, a holiday on a weekday does not, a plain weekend does not', () => {
    expect(workingDay(calendar, '2026-02-14')).toEqual({ working: true, provisional: false }); // Sat, 调休
    expect(workingDay(calendar, '2026-02-16')).toEqual({ working: false, provisional: false }); // Mon, 春节
    expect(workingDay(calendar, '2026-03-07')).toEqual({ working: false, provisional: false }); // Sat
    expect(workingDay(calendar, '2026-03-09')).toEqual({ working: true, provisional: false }); // Mon
  });

  it('a year with no schedule is weekdays, and says provisional', () => {
    expect(workingDay(calendar, '2027-01-01')).toEqual({ working: true, provisional: true }); // Fri
    expect(workingDay(calendar, '2027-01-02')).toEqual({ working: false, provisional: true }); // Sat
  });
});

describe('the statutory clock', () => {
  it('accepted Mon 2026-03-02, 20 days, no pause: 2026-03-30', () => {
    expect(clock('2026-03-02', 20)).toMatchObject({
      deadline: '2026-03-30',
      provisional: false,
      used: 0,
      left: 20,
      paused: false,
    });
  });

  it('the same, items sent Wed 2026-03-11 and supplied Mon 2026-03-16: 2026-04-03', () => {
    expect(
      clock('2026-03-02', 20, [{ from: '2026-03-11', to: '2026-03-16' }], '2026-03-20'),
    ).toEqual({
      deadline: '2026-04-03',
      provisional: false,
      // 3, 4, 5, 6, 9, 10, then 17, 18, 19, 20
      used: 10,
      left: 10,
      paused: false,
    });
  });

  it('accepted Mon 2026-02-09, 20 days, across the Spring Festival and its make-up Saturdays: 2026-03-13', () => {
    expect(clock('2026-02-09', 20).deadline).toBe('2026-03-13');
  });

  it('accepted Mon 2026-09-21, 10 days, across Mid-autumn, National Day and Sat 10-10: 2026-10-12', () => {
    expect(clock('2026-09-21', 10).deadline).toBe('2026-10-12');
  });

  it('a pause that opens and closes on the same day removes exactly that day', () => {
    // Without it 03-30; Thursday 03-12 removed moves it one working day, to 03-31.
    expect(clock('2026-03-02', 20, [{ from: '2026-03-12', to: '2026-03-12' }]).deadline).toBe(
      '2026-03-31',
    );
    // A pause on a day that is no working day removes nothing.
    expect(clock('2026-03-02', 20, [{ from: '2026-03-14', to: '2026-03-14' }]).deadline).toBe(
      '2026-03-30',
    );
  });

  it('while items are open, the clock is paused and the deadline moves on each day they do not come', () => {
    const sent = [{ from: '2026-03-11', to: null }];
    expect(clock('2026-03-02', 20, sent, '2026-03-11')).toMatchObject({
      deadline: '2026-03-31',
      used: 6,
      paused: true,
    });
    expect(clock('2026-03-02', 20, sent, '2026-03-12')).toMatchObject({
      deadline: '2026-04-01',
      used: 6,
      paused: true,
    });
  });

  it('a deadline that falls in a year with no schedule is computed on weekdays and marked provisional', () => {
    // From Tue 2026-12-01: 1–4, 7–11, 14–18, 21–25 are 19 working days; the 20th is Mon 12-28.
    expect(clock('2026-11-30', 20)).toMatchObject({ deadline: '2026-12-28', provisional: false });
    expect(clock('2026-12-14', 20)).toMatchObject({ deadline: '2027-01-11', provisional: true });
  });
});
