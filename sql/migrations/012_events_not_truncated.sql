-- Events are append-only (migration 010 refuses UPDATE and DELETE row by row); TRUNCATE, which
-- skips row triggers, is refused too.
create trigger application_events_not_truncated before truncate on application_events
  for each statement execute function refuse_event_rewrite();
create trigger audit_events_not_truncated before truncate on audit_events
  for each statement execute function refuse_event_rewrite();
