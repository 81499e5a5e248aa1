-- The end of each statutory clock, recorded by the transition that ends it (lib/calendar/deadlines.ts
-- recordClockEnds): the instant, the kind, and the working days it counted. The dashboard's
-- durations over the last 90 days are then one index range (about 50,000 rows at the province's
-- size), not a replay of each of those applications' events (npm run bench:authority: 0.9 s at
-- 1,000,000 closed applications). A table of its own, written once: a second update of the wide
-- application row the transition has just moved would cost its indexes and foreign keys again
-- (0.8 s for a publication of 10,000, npm run bench:jobs; an insert here costs a fraction).
create table clock_ends (
  application_id uuid primary key references applications (id),
  kind text not null,
  ended_at timestamptz not null,
  working_days integer not null check (working_days >= 0)
);
create index clock_ends_ended_at on clock_ends (ended_at) include (kind, working_days);

-- The clocks that ended before this migration, counted the same way in SQL: a working day is a
-- 调休 workday of calendar_days, or a Monday to Friday that is not one of its holidays (a year with
-- no schedule entered is its weekdays, as lib/calendar reads it).
with ends as (
  select distinct on (a.id) a.id, a.kind, e.occurred_at as ended_at,
         (e.occurred_at at time zone 'Asia/Shanghai')::date as ended_on
  from applications a join application_events e on e.application_id = a.id
  where (e.action = 'complete' and a.kind in ('initial', 'additional'))
     or (e.action = 'approve' and a.kind in ('renewal', 'personal_change'))
     or (e.action = 'refuse' and a.kind in ('initial', 'additional', 'renewal', 'personal_change'))
  order by a.id, e.version
),
clock_events as (
  select x.id, x.kind, x.ended_at, x.ended_on, e.version, e.action,
         (e.occurred_at at time zone 'Asia/Shanghai')::date as day,
         min(e.version) filter (where e.action = 'accept') over app as accepted_version,
         min((e.occurred_at at time zone 'Asia/Shanghai')::date)
           filter (where e.action = 'accept') over app as accepted_on,
         lag(e.action) over in_order as previous,
         max((e.occurred_at at time zone 'Asia/Shanghai')::date)
           filter (where e.action = 'corrections_complete')
           over (in_order rows between unbounded preceding and 1 preceding) as resumed_before,
         min((e.occurred_at at time zone 'Asia/Shanghai')::date)
           filter (where e.action = 'corrections_complete')
           over (in_order rows between current row and unbounded following) as resumed_after
  from ends x join application_events e on e.application_id = x.id
  where e.action in ('accept', 'request_correction', 'corrections_complete')
  window app as (partition by x.id), in_order as (partition by x.id order by e.version)
),
stops as (
  select id, kind, ended_at, ended_on, accepted_on,
         greatest(day - 1, resumed_before, accepted_on) as stop_after,
         least(coalesce(resumed_after, ended_on), ended_on) as stop_ends,
         action = 'request_correction' and version > accepted_version
           and previous is distinct from 'request_correction' as stopped
  from clock_events
  where accepted_version is not null
),
-- Each date's working days since the first acceptance: the working days in (a, b] are then
-- ord(b) - ord(a).
working as (
  select d::date as day,
         sum(case when coalesce((select c.kind = 'workday' from calendar_days c where c.day = d::date),
                                extract(isodow from d) < 6)
                  then 1 else 0 end) over (order by d) as ord
  from generate_series((select min(accepted_on) from stops), (select max(ended_on) from stops),
                       interval '1 day') d
),
counted as (
  select s.id, s.kind, s.ended_at,
         max(we.ord) - max(wa.ord)
         - coalesce(sum(greatest(wse.ord - wsa.ord, 0)) filter (where s.stopped), 0) as days
  from stops s
    join working we on we.day = s.ended_on
    join working wa on wa.day = s.accepted_on
    left join working wse on wse.day = s.stop_ends
    left join working wsa on wsa.day = s.stop_after
  group by s.id, s.kind, s.ended_at
)
insert into clock_ends (application_id, kind, ended_at, working_days)
select id, kind, ended_at, days from counted;
