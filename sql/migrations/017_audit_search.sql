-- The audit search (lib/authority/audit.ts): both event tables read newest first by the keyset
-- (occurred_at, id), over everything or for one actor, one action, both, or one application,
-- each scan stopping after a page. A page then costs the same at millions of events as at ten.
-- An actor is keyed as the search asks for it: the account, or the nil uuid for the platform's
-- own acts (an equality keeps the index's time order, `is null` would not).

create index application_events_newest on application_events (occurred_at, id);
create index application_events_actor on application_events
  ((coalesce(actor_account_id, '00000000-0000-0000-0000-000000000000'::uuid)), occurred_at, id);
create index application_events_action on application_events (action, occurred_at, id);
-- Who did what: without it a pair that never occurs (the platform and 受理, an officer who never
-- refused) would read all of that actor's or that action's events to find none.
create index application_events_actor_action on application_events
  ((coalesce(actor_account_id, '00000000-0000-0000-0000-000000000000'::uuid)), action,
   occurred_at, id);
-- One application's events come from the unique index (application_id, version): a few rows.

create index audit_events_newest on audit_events (occurred_at, id);
-- Migration 001's (actor_account_id, occurred_at) is replaced by the keyed one; nothing else reads
-- audit rows by actor, and accounts are never deleted (staff are disabled), so no foreign key
-- check needs it either.
drop index audit_events_actor;
create index audit_events_actor on audit_events
  ((coalesce(actor_account_id, '00000000-0000-0000-0000-000000000000'::uuid)), occurred_at, id);
create index audit_events_action on audit_events (action, occurred_at, id);
-- The application an audited act is about: its subject, or the one its detail names (a correction
-- item's, a rename's). The expression is the one lib/authority/audit.ts searches by.
create index audit_events_application on audit_events
  ((coalesce(case when subject_type = 'application' then subject_id end,
             detail ->> 'applicationId')), occurred_at, id)
  where coalesce(case when subject_type = 'application' then subject_id end,
                 detail ->> 'applicationId') is not null;
