-- Staff accounts kept by the authority's admins: a one-time password the user replaces at the
-- next sign-in, and when each account last signed in.
alter table accounts
  add column must_change_password boolean not null default false,
  add column last_signed_in_at timestamptz;
