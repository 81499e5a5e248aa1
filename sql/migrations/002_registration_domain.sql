-- The registration domain: persons' particulars, the two read-only registries, qualifications,
-- registrations, applications with their events, files, notifications and correction items.

-- Uploaded files, content-addressed (sha256) in the file store; this row says who may see one.
create table files (
  id uuid primary key default gen_random_uuid(),
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  content_type text not null check (content_type in ('image/jpeg', 'image/png', 'application/pdf')),
  size_bytes integer not null check (size_bytes > 0),
  original_name text not null,
  owner_account_id uuid not null references accounts (id),
  created_at timestamptz not null
);
create index files_owner on files (owner_account_id);

-- Particulars (on certificates) come from the identity login or the profile; contact details are
-- always editable.
alter table persons
  add column gender text check (gender in ('male', 'female')),
  add column birth_date date,
  add column education text,
  add column phone text check (phone ~ '^1[3-9][0-9]{9}$'),
  add column email text,
  add column address text,
  add column photo_file_id uuid references files (id),
  add column photo_declared_at timestamptz;

alter table enterprises
  add column legal_representative text,
  add column address text,
  add column contact_name text,
  add column contact_phone text,
  add column information_completed_at timestamptz;

-- Read-only stand-in for the provincial legal-person registry (法人库).
create table legal_person_registry (
  credit_code text primary key check (credit_code ~ '^[0-9A-HJ-NPQRTUWXY]{18}$'),
  name text not null,
  updated_at timestamptz not null
);

-- Read-only stand-in for the province's exam-results registry: in-province qualifications.
create table qualification_registry (
  certificate_number text primary key,
  id_number text not null check (id_number ~ '^[0-9]{17}[0-9X]$'),
  name text not null,
  profession text not null
    check (profession in ('constructor', 'cost_engineer', 'architect', 'structural_engineer')),
  specialty text,
  pass_year integer not null check (pass_year between 1990 and 2100)
);
create index qualification_registry_id_number on qualification_registry (id_number);

-- Qualifications from outside the registry: out-of-province entries, usable once approved (rule 14).
create table qualifications (
  id uuid primary key default gen_random_uuid(),
  person_id uuid not null references persons (id),
  profession text not null check (profession in ('architect', 'structural_engineer')),
  certificate_number text not null,
  exam_province text not null,
  pass_year integer not null check (pass_year between 1990 and 2100),
  approved_at timestamptz not null,
  unique (person_id, profession)
);

create sequence registration_serial;

create table registrations (
  id uuid primary key default gen_random_uuid(),
  registration_number text not null unique,
  person_id uuid not null references persons (id),
  enterprise_id uuid not null references enterprises (id),
  profession text not null
    check (profession in ('constructor', 'cost_engineer', 'architect', 'structural_engineer')),
  specialties text[] not null default '{}',
  valid_from date not null,
  valid_until date not null check (valid_until > valid_from),
  status text not null check (status in ('active', 'cancelled', 'expired')),
  demonstration_zone boolean not null default false,
  created_at timestamptz not null,
  ended_at timestamptz,
  check ((status = 'active') = (ended_at is null))
);
create unique index registrations_one_active_per_profession
  on registrations (person_id, profession) where status = 'active';

create sequence application_serial;

create table applications (
  id uuid primary key default gen_random_uuid(),
  application_number text not null unique,
  kind text not null check (kind in ('initial', 'additional', 'renewal', 'cancellation',
    'personal_change', 'out_of_province_qualification', 'enterprise_rename')),
  profession text
    check (profession in ('constructor', 'cost_engineer', 'architect', 'structural_engineer')),
  person_id uuid references persons (id),
  enterprise_id uuid references enterprises (id),
  registration_id uuid references registrations (id),
  demonstration_zone boolean not null default false,
  state text not null check (state in ('draft', 'awaiting_enterprise', 'returned',
    'awaiting_signed_form', 'submitted', 'under_review', 'correction_requested', 'approved',
    'refused', 'completed', 'withdrawn', 'expired')),
  -- Bumped by every transition; each value has its event row (trigger below).
  version integer not null default 0,
  -- What the person (or enterprise) has entered so far; free to change while a draft.
  draft jsonb not null default '{}',
  -- Frozen at confirmation: what the enterprise, the authority and the printed form show.
  snapshot jsonb,
  snapshot_version integer not null default 0,
  snapshot_hash text,
  started_at timestamptz not null,
  state_changed_at timestamptz not null,
  check ((kind = 'enterprise_rename') = (person_id is null)),
  check (kind <> 'enterprise_rename' or enterprise_id is not null),
  check ((kind = 'enterprise_rename') = (profession is null)),
  check (not demonstration_zone or (kind = 'initial' and profession = 'constructor')),
  check ((snapshot is null) = (snapshot_version = 0))
);
create index applications_person on applications (person_id);
create index applications_enterprise on applications (enterprise_id, state);
create index applications_state on applications (state, state_changed_at);

-- The open-application rule (DESIGN.md §3): open = not yet finished one way or another.
create unique index applications_one_open_per_profession on applications (person_id, profession)
  where kind in ('initial', 'additional', 'renewal', 'cancellation')
    and state not in ('completed', 'refused', 'withdrawn', 'expired');
create unique index applications_one_open_personal_change on applications (person_id)
  where kind = 'personal_change' and state not in ('completed', 'refused', 'withdrawn', 'expired');
create unique index applications_one_open_rename on applications (enterprise_id)
  where kind = 'enterprise_rename' and state not in ('completed', 'refused', 'withdrawn', 'expired');
create unique index applications_one_open_out_of_province on applications (person_id, profession)
  where kind = 'out_of_province_qualification'
    and state not in ('completed', 'refused', 'withdrawn', 'expired');

create table application_events (
  id bigint generated always as identity primary key,
  application_id uuid not null references applications (id),
  version integer not null,
  action text not null,
  actor_role text not null check (actor_role in ('person', 'enterprise', 'officer', 'system')),
  actor_account_id uuid references accounts (id),
  from_state text,
  to_state text not null,
  reason text,
  occurred_at timestamptz not null,
  unique (application_id, version)
);

-- No state or version of an application without its event: checked at commit, so the event may
-- be written before or after the row in the same transaction.
create function applications_require_event() returns trigger language plpgsql as $$
begin
  if tg_op = 'UPDATE' and new.state = old.state and new.version = old.version then
    return null;
  end if;
  if not exists (
    select 1 from application_events e
    where e.application_id = new.id and e.version = new.version and e.to_state = new.state
  ) then
    raise exception 'application % moved to % (version %) without its event',
      new.id, new.state, new.version using errcode = 'check_violation';
  end if;
  return null;
end $$;

create constraint trigger applications_require_event
  after insert or update on applications
  deferrable initially deferred
  for each row execute function applications_require_event();

-- Items the authority (or a pending choice, rule 12) opens; closed with what was supplied.
create table correction_items (
  id uuid primary key default gen_random_uuid(),
  application_id uuid not null references applications (id),
  addressed_to text not null check (addressed_to in ('person', 'enterprise')),
  what text not null,
  why text not null,
  -- The enterprise-licence item of rule 12 never blocks review.
  blocks_review boolean not null default true,
  opened_by_account_id uuid references accounts (id),
  opened_at timestamptz not null,
  closed_at timestamptz,
  supplied jsonb
);
create index correction_items_application on correction_items (application_id) where closed_at is null;

create table notifications (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts (id),
  application_id uuid references applications (id),
  message text not null,
  created_at timestamptz not null,
  read_at timestamptz
);
create index notifications_account on notifications (account_id, created_at desc);
