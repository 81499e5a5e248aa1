-- The working-day calendar (DESIGN.md §5a): one row per year that has a schedule, with the notice
-- it comes from and whether it is published; the days of that year marked holiday or make-up
-- working day (调休). A working day is a make-up day, or a Monday to Friday that is no holiday;
-- a year with no row is computed on weekdays and everything computed in it is provisional.
create table calendar_years (
  year integer primary key check (year between 2000 and 2100),
  source text not null check (length(source) between 1 and 200),
  notice_date date,
  published boolean not null,
  updated_at timestamptz not null,
  updated_by_account_id uuid references accounts (id)
);
create table calendar_days (
  day date primary key,
  year integer not null references calendar_years (year) on delete cascade
    check (year = extract(year from day)),
  kind text not null check (kind in ('holiday', 'workday')),
  name text not null default '' check (length(name) <= 50)
);

-- Staff act as officers; some are admins too (the calendar, staff accounts).
alter table staff add column role text not null default 'officer' check (role in ('officer', 'admin'));

-- The statutory clock's deadline, kept on the application so queues can sort and filter by it:
-- written by the transitions that move the clock (accept, request_correction,
-- corrections_complete), and again when the calendar of a year it touches changes.
alter table applications
  add column deadline date,
  add column deadline_provisional boolean,
  add check ((deadline is null) = (deadline_provisional is null));
create index applications_deadline on applications (deadline) where deadline is not null;
