-- The enterprise's lists (docs/PERFORMANCE.md, bench/enterprise-pages.ts): its registered
-- employees by end of validity, and the applications that name it by latest change.
create index registrations_enterprise_active on registrations (enterprise_id, valid_until)
  where status = 'active';
create index applications_enterprise_changed on applications (enterprise_id, state_changed_at desc);
