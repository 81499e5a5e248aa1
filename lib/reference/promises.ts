/**
 * What the province promises after an application is accepted (guide 二.2, 三.3; DESIGN.md §5a):
 * initial and additional registrations announced within 20 working days, renewals and personal
 * changes decided within 10. The statutory clock (the calendar work) counts them; pages say them.
 */
export const PROMISED_WORKING_DAYS = {
  initial: { days: 20, until: '公告' },
  additional: { days: 20, until: '公告' },
  renewal: { days: 10, until: '作出决定' },
  personal_change: { days: 10, until: '作出决定' },
} as const;

/** A deadline this many working days away or fewer is "nearing" on queues and the dashboard. */
export const NEARING_WORKING_DAYS = 3;
