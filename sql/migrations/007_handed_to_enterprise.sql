-- The enterprise an application was handed to: by the person's latest confirmation (or, for a
-- rename, the enterprise that filed it). It is the one that sees the application. A returned
-- initial application on which the person chose another employer names the new one
-- (enterprise_id) before it is handed to it.
alter table applications add column handed_to_enterprise_id uuid references enterprises (id);
update applications a set handed_to_enterprise_id = e.id
  from enterprises e
  where a.snapshot is not null and e.credit_code = a.snapshot -> 'enterprise' ->> 'creditCode';
