-- Lookups every transition and the expiry job make, found by npm run bench:jobs: the open to-dos
-- of an application (notifyMoves marks them done on every step), and the applications of a
-- registration (the expiry voids their licence items). Without them each is a scan of a table
-- that only grows.
create index notifications_open_to_dos on notifications (application_id)
  where is_to_do and done_at is null;
create index applications_registration on applications (registration_id)
  where registration_id is not null;
