import {
  applyRename,
  enterpriseMayConfirm,
  enterpriseMayRename,
  enterpriseMaySubmit,
} from '../enterprise/index.js';
import { personMayFile } from '../filing/index.js';
import { recordClockEnds, recordDeadline } from '../calendar/index.js';
import { applyPersonalChange, recordApprovedEntry } from '../person/index.js';
import {
  activateRegistrations,
  addAnnouncedSpecialties,
  authorityMayApprove,
  endRegistration,
  keepStatedLicence,
  registerApproved,
  renewApproved,
} from '../registrations/index.js';
import type { WorkflowHooks } from '../workflow/index.js';
import { APPLICATION_KINDS } from '../workflow/index.js';
import {
  voidLicenceItems,
  voidLicenceItemsOfRegistration,
  voidOpenItems,
} from '../corrections/index.js';

/**
 * The guards and effects of the workflow, assembled in this one place: the table's transitions
 * name their guards, and each effect says after which transitions it runs, in this order, in the
 * transition's transaction. The engine (lib/workflow/engine.ts) imports none of these modules.
 */
export const workflowHooks: WorkflowHooks = {
  guards: {
    personMayFile,
    enterpriseMayConfirm,
    enterpriseMaySubmit,
    enterpriseMayRename,
    authorityMayApprove,
  },
  effects: [
    // Rule 7: the registration ends when the enterprise confirms its cancellation, and the
    // licence still owed for it (rule 12) is no one's to supply any more.
    {
      kinds: ['cancellation'],
      to: 'completed',
      run: async (tx, app, at) => {
        if (!app.registrationId) return;
        await endRegistration(tx, app.registrationId, at);
        await voidLicenceItemsOfRegistration(tx, app.registrationId, at);
      },
    },
    // An application that stopped asks nothing more of anyone.
    { to: 'refused', run: voidOpenItems },
    { to: 'not_accepted', run: voidOpenItems },
    { to: 'withdrawn', run: voidOpenItems },
    // What the enterprise stated at confirmation no longer stands once it returns the application.
    { action: 'return', run: (tx, app, at) => voidLicenceItems(tx, app.id, at) },
    // Rule 12: the stated licence is kept on the registration the application completed.
    {
      kinds: APPLICATION_KINDS.filter((k) => k !== 'cancellation'),
      to: 'completed',
      runAll: (tx, apps) =>
        keepStatedLicence(
          tx,
          apps.filter((a) => a.registrationId).map((a) => a.id),
        ),
    },
    // Rule 9: the enterprise takes its new name; rule 14: the entry becomes a qualification.
    { kinds: ['enterprise_rename'], action: 'approve', run: applyRename },
    { kinds: ['out_of_province_qualification'], action: 'approve', run: recordApprovedEntry },
    // The statutory clock: the transitions that start, stop and restart it store its deadline.
    { to: 'under_review', run: recordDeadline },
    { to: 'correction_requested', run: recordDeadline },
    // ...and those that end it store what it counted (the dashboard's durations).
    { kinds: ['initial', 'additional'], action: 'complete', runAll: recordClockEnds },
    { kinds: ['renewal', 'personal_change'], action: 'approve', runAll: recordClockEnds },
    {
      kinds: ['initial', 'additional', 'renewal', 'personal_change'],
      action: 'refuse',
      runAll: recordClockEnds,
    },
    // Item by item, an approved personal change replaces the person's particulars.
    { kinds: ['personal_change'], action: 'approve', run: applyPersonalChange },
    // An approved initial registration is made (public at its announcement); a renewal runs on.
    { kinds: ['initial'], action: 'approve', run: registerApproved },
    { kinds: ['renewal'], action: 'approve', run: renewApproved },
    // Rule 5: initial and additional registrations take effect at their announcement.
    { kinds: ['initial'], action: 'complete', runAll: activateRegistrations },
    { kinds: ['additional'], action: 'complete', runAll: addAnnouncedSpecialties },
  ],
};
