import { publishAnnouncements } from '../announcements/index.js';
import type { DecisionChoice } from '../authority/index.js';
import {
  acceptApplication,
  assignApplication,
  claimApplication,
  decide,
  reasonsOf,
} from '../authority/index.js';
import type { Calendar } from '../calendar/index.js';
import { workingDay } from '../calendar/index.js';
import type { CorrectionParty } from '../corrections/index.js';
import {
  acceptSuppliedItem,
  itemsOf,
  requestCorrections,
  supplyItem,
} from '../corrections/index.js';
import type { EnterpriseConfirmation } from '../enterprise/index.js';
import { attachSignedForm, confirmAsEnterprise, confirmationAsks } from '../enterprise/index.js';
import type { FileStore } from '../files/index.js';
import type { Clock, Sql, Tx } from '../platform/index.js';
import { addDays, businessDate } from '../platform/index.js';
import type { Licence } from '../reference/index.js';
import type { WorkflowDeps } from '../workflow/index.js';
import { lockApplication, transition } from '../workflow/index.js';
import { formQrOf } from '../documents/index.js';
import { demoSignedForm } from './files.js';

/**
 * The demo's applications past the person's confirmation: the enterprise confirms and submits,
 * the authority accepts, asks for corrections, gets them and decides, each step through the
 * function a page or a job calls, with a clock standing at the step's moment. So events,
 * deadlines, correction requests, decisions and registrations are what the workflow itself leaves.
 */

/** A staff login of the demo (seed.ts lists them). */
export type StaffName = 'shenhe01' | 'shenhe02' | 'guanli01';

/**
 * A moment of the demo's past, in working days: 0 is the last working day up to the day of
 * seeding (today, on a working day), 1 the working day before it, and so on; at a Beijing time.
 * A moment that would be later than the seeding is the seeding's minute before.
 */
export type WorkingMoment = { workingDaysAgo: number; time: string };

/** A correction item the officer asks for: from the catalogue's reason, with what exactly. */
export type DemoItem = { addressedTo: CorrectionParty; reason: string; what: string };

export type ReviewStep = { when: WorkingMoment } & (
  | { act: 'enterprise_confirm'; licence?: Licence | 'none'; costConsulting?: boolean }
  /** The enterprise uploads the signed form (a few minutes before) and submits. */
  | { act: 'submit' }
  | { act: 'claim'; officer: StaffName }
  | { act: 'assign'; admin: StaffName; officer: StaffName }
  | { act: 'accept'; officer: StaffName }
  | { act: 'request_correction'; officer: StaffName; items: readonly DemoItem[] }
  /** The party supplies every open item addressed to it (the person with a new scan). */
  | { act: 'supply'; party: CorrectionParty; note: string }
  /** The officer accepts every supplied item not yet reviewed. */
  | { act: 'accept_supplied'; officer: StaffName }
  /** The publish job's run (every approval waiting by then is announced). */
  | { act: 'publish' }
  | {
      act: 'decide';
      officer: StaffName;
      choice: DecisionChoice;
      reasons: readonly string[];
      note: string;
    }
);

/** An application the seed has confirmed, with the accounts that act on it. */
export type Reviewed = {
  applicationId: string;
  personAccountId: string;
  enterpriseAccountId: string | null;
  steps: readonly ReviewStep[];
};

/** What the steps run with: the seeding's transaction, clock, rules, hooks and bytes. */
export type ReviewSeeding = {
  tx: Tx;
  at: Date;
  calendar: Calendar;
  workflow: Pick<WorkflowDeps, 'rules' | 'hooks'>;
  store: FileStore;
  staff: ReadonlyMap<StaffName, string>;
  scan: Buffer;
  photo: Buffer;
};

/** The licence the demo's design institute holds (rule 12), stated when it confirms. */
const GUSU_LICENCE: Licence = { type: '工程设计建筑行业资质', number: 'A132012783' };

/**
 * The seeding's transaction as the `sql` the workflow's functions take: each opens its own
 * transaction with `sql.begin`, which here runs inside the seeding's one, so the demo data are
 * all written or none are (and a second start sees them and seeds nothing).
 */
function seedingSql(tx: Tx): Sql {
  return new Proxy(tx, {
    get(target, property) {
      if (property === 'begin') {
        return (...args: unknown[]) => (args.at(-1) as (tx: Tx) => Promise<unknown>)(target);
      }
      return Reflect.get(target, property) as unknown;
    },
  }) as unknown as Sql;
}

/** The working day `n` working days before the last working day up to `today`. */
export function workingDaysBefore(calendar: Calendar, today: string, n: number): string {
  let day = today;
  while (!workingDay(calendar, day).working) day = addDays(day, -1);
  for (let counted = 0; counted < n;) {
    day = addDays(day, -1);
    if (workingDay(calendar, day).working) counted += 1;
  }
  return day;
}

/** The instant of a working moment, never later than a minute before the seeding. */
export function momentOf(calendar: Calendar, at: Date, when: WorkingMoment): Date {
  const day = workingDaysBefore(calendar, businessDate(at), when.workingDaysAgo);
  const moment = new Date(`${day}T${when.time}:00+08:00`);
  const latest = new Date(at.getTime() - 60_000);
  return moment < latest ? moment : latest;
}

/**
 * Runs every reviewed application's steps, all of them in the order of their moments (so decision
 * numbers, registration numbers and the audit trail follow the calendar).
 */
export async function runReviews(s: ReviewSeeding, reviewed: readonly Reviewed[]): Promise<void> {
  const steps = reviewed.flatMap((r) => {
    let previous = 0;
    return r.steps.map((step, index) => {
      const moment = momentOf(s.calendar, s.at, step.when);
      if (moment.getTime() <= previous) {
        throw new Error(`demo step ${index} (${step.act}) is not after the one before it`);
      }
      previous = moment.getTime();
      return { r, step, moment, order: index };
    });
  });
  steps.sort((a, b) => a.moment.getTime() - b.moment.getTime() || a.order - b.order);
  const sql = seedingSql(s.tx);
  for (const { r, step, moment } of steps) {
    const clock: Clock = { now: () => new Date(moment) };
    await runStep({ ...s.workflow, sql, clock, fileStore: s.store }, s, r, step, moment);
  }
}

type StepDeps = WorkflowDeps & { fileStore: FileStore };

async function runStep(
  deps: StepDeps,
  s: ReviewSeeding,
  r: Reviewed,
  step: ReviewStep,
  moment: Date,
): Promise<void> {
  const staff = (name: StaffName) => s.staff.get(name)!;
  const applicationId = r.applicationId;
  switch (step.act) {
    case 'enterprise_confirm': {
      const app = (await lockApplication(s.tx, applicationId))!;
      const asks = confirmationAsks(app.kind, app.profession);
      const confirmation: EnterpriseConfirmation =
        asks === 'licence'
          ? { licence: step.licence ?? GUSU_LICENCE }
          : asks === 'costConsulting'
            ? { costConsulting: step.costConsulting ?? true }
            : {};
      await confirmAsEnterprise(deps, {
        accountId: r.enterpriseAccountId!,
        applicationId,
        expectedVersion: app.version,
        confirmation,
      });
      return;
    }
    case 'submit': {
      const app = (await lockApplication(s.tx, applicationId))!;
      const printed = new Date(moment.getTime() - 10 * 60_000);
      await attachSignedForm(
        { ...deps, clock: { now: () => printed } },
        {
          accountId: r.enterpriseAccountId!,
          applicationId,
          snapshotVersion: app.snapshotVersion,
          document: {
            bytes: await demoSignedForm(
              s.scan,
              formQrOf({ ...app, snapshotHash: app.snapshotHash ?? '' }),
            ),
            contentType: 'image/jpeg',
            originalName: '申请表（签章）.jpg',
          },
        },
      );
      await transition(deps, {
        applicationId,
        action: 'submit',
        actor: { role: 'enterprise', accountId: r.enterpriseAccountId! },
      });
      return;
    }
    case 'claim':
      await claimApplication(deps.sql, {
        applicationId,
        officerAccountId: staff(step.officer),
        at: moment,
      });
      return;
    case 'assign':
      await assignApplication(deps.sql, {
        applicationId,
        adminAccountId: staff(step.admin),
        officerAccountId: staff(step.officer),
        at: moment,
      });
      return;
    case 'accept':
      await acceptApplication(deps, { applicationId, officerAccountId: staff(step.officer) });
      return;
    case 'request_correction': {
      const catalogue = await reasonsOf(s.tx, { use: 'correction' });
      await requestCorrections(deps, {
        applicationId,
        officerAccountId: staff(step.officer),
        items: step.items.map((item) => ({
          addressedTo: item.addressedTo,
          what: item.what,
          why: catalogue.find((c) => c.code === item.reason)!.wording,
          reasonCode: item.reason,
        })),
      });
      return;
    }
    case 'supply': {
      const open = (await itemsOf(s.tx, applicationId)).filter(
        (i) => i.blocksReview && !i.closedAt && i.addressedTo === step.party,
      );
      for (const item of open) {
        const person = step.party === 'person';
        await supplyItem(deps, {
          itemId: item.id,
          party: step.party,
          accountId: person ? r.personAccountId : r.enterpriseAccountId!,
          supplied: { note: step.note },
          document: {
            bytes: item.reasonCode === 'photo_unfit' ? s.photo : s.scan,
            contentType: 'image/jpeg',
            originalName: `${item.what}.jpg`,
          },
        });
      }
      return;
    }
    case 'accept_supplied': {
      const supplied = (await itemsOf(s.tx, applicationId)).filter(
        (i) => i.blocksReview && i.closedAt && !i.supplied?.voided && !i.review,
      );
      for (const item of supplied) {
        await acceptSuppliedItem(deps, { itemId: item.id, officerAccountId: staff(step.officer) });
      }
      return;
    }
    case 'publish':
      await publishAnnouncements(deps);
      return;
    case 'decide':
      await decide(deps, {
        applicationId,
        officerAccountId: staff(step.officer),
        choice: step.choice,
        reasonCodes: step.reasons,
        note: step.note,
      });
      return;
  }
}
