-- A notification that asks its account to act (an application waiting for the enterprise's
-- confirmation) is a to-do: once the application has moved on, it is done and leaves the home
-- page, so no "…待您确认" stays after the enterprise confirmed, returned, or the person withdrew.
alter table notifications
  add column is_to_do boolean not null default false,
  add column done_at timestamptz;
update notifications set is_to_do = true where message like '%待您确认。';
update notifications n
  set done_at = (select max(e.occurred_at) from application_events e where e.application_id = a.id)
  from applications a
  where n.is_to_do and a.id = n.application_id and a.state <> 'awaiting_enterprise';
