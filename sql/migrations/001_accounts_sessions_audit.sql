-- Accounts of the three kinds of login. The identity seam (DESIGN.md §7): a local account has a
-- password hash; one from the province's identity platform has an external subject instead.
create table accounts (
  id uuid primary key default gen_random_uuid(),
  kind text not null check (kind in ('person', 'enterprise', 'staff')),
  -- 居民身份证号码 for persons, 统一社会信用代码 for enterprises, user name for staff.
  login_id text not null,
  display_name text not null,
  password_hash text,
  external_subject text,
  real_name_level smallint check (real_name_level between 1 and 4),
  disabled_at timestamptz,
  created_at timestamptz not null,
  unique (kind, login_id),
  unique (kind, external_subject),
  check (password_hash is not null or external_subject is not null),
  check ((kind = 'person') = (real_name_level is not null))
);

create table persons (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null unique references accounts (id),
  id_number text not null unique check (id_number ~ '^[0-9]{17}[0-9X]$'),
  name text not null check (length(name) between 1 and 50)
);

create table enterprises (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null unique references accounts (id),
  credit_code text not null unique check (credit_code ~ '^[0-9A-HJ-NPQRTUWXY]{18}$'),
  name text not null check (length(name) between 1 and 100),
  -- 区划代码 where the enterprise is registered; Jiangsu codes start with 32.
  district_code text check (district_code ~ '^[0-9]{6}$')
);

create table staff (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null unique references accounts (id),
  name text not null
);

-- express-session store (lib/session-store.ts).
create table sessions (
  sid text primary key,
  sess jsonb not null,
  expires_at timestamptz not null
);
create index sessions_expires_at on sessions (expires_at);

-- rate-limiter-flexible's table for failed logins (lib/login-throttle.ts); expire is epoch ms.
create table login_throttle (
  key varchar(255) primary key,
  points integer not null default 0,
  expire bigint
);

-- Who did what, when and why: every state change writes one row in the same transaction.
create table audit_events (
  id bigint generated always as identity primary key,
  occurred_at timestamptz not null,
  actor_account_id uuid references accounts (id),
  action text not null,
  subject_type text,
  subject_id text,
  detail jsonb not null default '{}'
);
create index audit_events_subject on audit_events (subject_type, subject_id);
create index audit_events_actor on audit_events (actor_account_id, occurred_at);

-- Runs of the scheduled jobs (jobs/), recorded for audit.
create table job_runs (
  id bigint generated always as identity primary key,
  job text not null,
  started_at timestamptz not null,
  finished_at timestamptz,
  outcome text check (outcome in ('ok', 'failed', 'skipped')),
  detail jsonb not null default '{}'
);
