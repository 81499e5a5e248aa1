-- Announcements (公告) of approved initial and additional registrations, and what the scheduled
-- jobs need: their runs in full, renewal reminders sent once, files purged once.

-- One counter row per year: numbers without gaps (a sequence may skip one on a rollback).
create table announcement_counters (
  year integer primary key check (year between 2000 and 2100),
  last integer not null check (last >= 0)
);

create table announcements (
  id uuid primary key default gen_random_uuid(),
  year integer not null,
  seq integer not null check (seq > 0),
  -- e.g. 苏建注公告〔2026〕第12号
  number text not null unique,
  profession text not null
    check (profession in ('constructor', 'cost_engineer', 'architect', 'structural_engineer')),
  published_at timestamptz not null,
  entry_count integer not null check (entry_count > 0),
  unique (year, seq)
);
create index announcements_newest on announcements (published_at desc, seq desc);
create index announcements_profession on announcements (profession, published_at desc);

-- What an announcement lists, copied at publication: a later rename or personal change does not
-- rewrite it. Never an ID number, a birth date or a phone.
create table announcement_entries (
  announcement_id uuid not null references announcements (id),
  position integer not null check (position > 0),
  -- Each approved application is announced once, however many instances run the job.
  application_id uuid not null unique references applications (id),
  registration_id uuid not null references registrations (id),
  kind text not null check (kind in ('initial', 'additional')),
  person_name text not null,
  specialties text[] not null,
  enterprise_name text not null,
  registration_number text not null,
  approved_on date not null,
  primary key (announcement_id, position)
);

-- A published announcement is a public record: it is never rewritten or removed.
create trigger announcements_append_only before update or delete on announcements
  for each row execute function refuse_event_rewrite();
create trigger announcement_entries_append_only before update or delete on announcement_entries
  for each row execute function refuse_event_rewrite();
create trigger announcements_not_truncated before truncate on announcements
  for each statement execute function refuse_event_rewrite();
create trigger announcement_entries_not_truncated before truncate on announcement_entries
  for each statement execute function refuse_event_rewrite();

-- The jobs' runs: rows affected, the error of a failed run, who started one by hand.
alter table job_runs
  add column rows_affected integer,
  add column error text,
  add column started_by_account_id uuid references accounts (id);
update job_runs set error = detail ->> 'error' where outcome = 'failed';
create index job_runs_newest on job_runs (job, id desc);

-- Renewal reminders: one per registration, validity period and threshold (90, 60, 30 days).
create table renewal_reminders (
  registration_id uuid not null references registrations (id),
  valid_until date not null,
  days_before integer not null check (days_before > 0),
  sent_at timestamptz not null,
  primary key (registration_id, valid_until, days_before)
);

-- The expiry job reads registrations in force by their end date.
create index registrations_in_force_until on registrations (valid_until)
  where status in ('approved', 'active');

-- A notification may be about a registration rather than an application (a reminder to renew).
alter table notifications add column registration_id uuid references registrations (id);

-- The file purge marks what it has done, so it never looks at an application twice.
alter table applications add column files_purged_at timestamptz;
create index applications_expired_unpurged on applications (state_changed_at)
  where state = 'expired' and files_purged_at is null;
-- A purged file keeps its row (what was uploaded, by whom, when) without its bytes; the bytes
-- go only when no row still holding them shares their sha256.
alter table files add column purged_at timestamptz;
create index files_sha256_held on files (sha256) where purged_at is null;
