-- The service-level dashboard (lib/authority/dashboard.ts) at 100,000 open and 1,000,000 closed
-- applications: each figure is an index scan over what it counts, not a scan of everything.

-- The open applications in one grouped scan (by state, kind, profession and deadline), read from
-- the index alone.
create index applications_dashboard_open
  on applications (state, kind, profession, deadline, deadline_provisional)
  where state in ('submitted', 'under_review', 'correction_requested', 'approved');

-- The clocks that ended in the last 90 days: their announcement, approval or refusal by time.
create index application_events_dashboard_clock_end
  on application_events (occurred_at) include (application_id, action)
  where action in ('complete', 'approve', 'refuse');

-- Each of those clocks' acceptance and stops, read by application in version order.
create index application_events_dashboard_clock
  on application_events (application_id, version) include (action, occurred_at)
  where action in ('accept', 'request_correction', 'corrections_complete');

-- Decisions per week for the last 12 weeks.
create index decisions_dashboard_decided_at on decisions (decided_at) include (kind);
