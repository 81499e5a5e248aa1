import { addDays } from '../platform/index.js';
import type { Calendar } from './working-days.js';
import { workingDay } from './working-days.js';

/**
 * The statutory clock (DESIGN.md §5a): N working days, counted from the working day after the
 * application was accepted. While correction items the authority opened during review are open,
 * it stops: the days from the day the items were sent through the day the last was supplied do not
 * count. One pure function of its inputs, so the person, the enterprise and the officer all see the
 * same deadline, and a changed calendar gives a new one.
 */

/** A stop of the clock: the day the items were sent, and the day the last was supplied (or none yet). */
export type ClockPause = { from: string; to: string | null };

export type ClockInput = {
  /** The business date (Asia/Shanghai) of the acceptance. */
  accepted: string;
  pauses: readonly ClockPause[];
  /** N: the working days promised. */
  workingDays: number;
  /** The business date the clock is read on. */
  today: string;
};

export type ClockReading = {
  /**
   * The last working day of the N. While a pause is open, the deadline as it stands if the
   * missing items came today; it moves on by a working day for each day they do not.
   */
  deadline: string;
  /** The deadline rests on a year whose schedule is not published (暂定). */
  provisional: boolean;
  /** Working days counted up to and including today, and those left. */
  used: number;
  left: number;
  /** A correction request holds the clock today. */
  paused: boolean;
};

/** More than any real deadline needs: a guard against a malformed calendar looping for ever. */
const MAX_DAYS = 3 * 366;

export function statutoryClock(calendar: Calendar, input: ClockInput): ClockReading {
  const { accepted, pauses, workingDays, today } = input;
  // An open pause holds the clock through today; the days after it are counted as if the items
  // came today.
  const stoppedOn = (date: string) => pauses.some((p) => date >= p.from && date <= (p.to ?? today));
  let counted = 0;
  let used = 0;
  let provisional = false;
  let day = accepted;
  for (let i = 0; counted < workingDays; i++) {
    if (i > MAX_DAYS) throw new Error(`no deadline within ${MAX_DAYS} days of ${accepted}`);
    day = addDays(day, 1);
    const { working, provisional: unsure } = workingDay(calendar, day);
    provisional ||= unsure;
    if (!working || stoppedOn(day)) continue;
    counted += 1;
    if (day <= today) used += 1;
  }
  return {
    deadline: day,
    provisional,
    used,
    left: workingDays - used,
    paused: pauses.some((p) => today >= p.from && (p.to === null || today <= p.to)),
  };
}
