-- The authority's review (DESIGN.md §4, §5a): not accepting (不予受理) as a final state, corrections
-- asked for in numbered requests with a reply deadline and reasons from a catalogue, the officer's
-- review of each supplied item, claims and assignment, written decisions numbered per year and kind,
-- registrations approved and waiting for their announcement, and events that cannot be rewritten.

-- 不予受理: a final state. The open-application rule's indexes count it as finished.
alter table applications drop constraint applications_state_check;
alter table applications add constraint applications_state_check
  check (state in ('draft', 'awaiting_enterprise', 'returned', 'awaiting_signed_form', 'submitted',
    'under_review', 'correction_requested', 'approved', 'refused', 'not_accepted', 'completed',
    'withdrawn', 'expired'));

drop index applications_one_open_per_profession;
drop index applications_one_open_personal_change;
drop index applications_one_open_rename;
drop index applications_one_open_out_of_province;
create unique index applications_one_open_per_profession on applications (person_id, profession)
  where kind in ('initial', 'additional', 'renewal', 'cancellation')
    and state not in ('completed', 'refused', 'not_accepted', 'withdrawn', 'expired');
create unique index applications_one_open_personal_change on applications (person_id)
  where kind = 'personal_change'
    and state not in ('completed', 'refused', 'not_accepted', 'withdrawn', 'expired');
create unique index applications_one_open_rename on applications (enterprise_id)
  where kind = 'enterprise_rename'
    and state not in ('completed', 'refused', 'not_accepted', 'withdrawn', 'expired');
create unique index applications_one_open_out_of_province on applications (person_id, profession)
  where kind = 'out_of_province_qualification'
    and state not in ('completed', 'refused', 'not_accepted', 'withdrawn', 'expired');

-- When it first reached the authority (the queue's order before acceptance, and the working days
-- an entry or a rename has waited), and the officer who has it.
alter table applications
  add column submitted_at timestamptz,
  add column assigned_officer_id uuid references accounts (id);
update applications a set submitted_at = (
  select min(e.occurred_at) from application_events e
  where e.application_id = a.id and e.to_state = 'submitted');

-- The queue: what is with the authority, by due date (the deadline once accepted, else the day it
-- arrived), then arrival, then id, so pages follow by keyset.
create index applications_queue on applications
  ((coalesce(deadline, (submitted_at at time zone 'Asia/Shanghai')::date)), submitted_at, id)
  where state in ('submitted', 'under_review', 'correction_requested', 'approved');
create index applications_assigned on applications (assigned_officer_id)
  where assigned_officer_id is not null;

-- The reason catalogue: standard wording for corrections, refusals and 不予受理, edited by admins.
create table review_reasons (
  code text primary key check (code ~ '^[a-z][a-z0-9_]{1,40}$'),
  use text not null check (use in ('correction', 'refusal', 'not_accepted')),
  title text not null check (length(title) between 1 and 40),
  wording text not null check (length(wording) between 1 and 500),
  -- A correction reason's usual addressee.
  addressed_to text check (addressed_to in ('person', 'enterprise')),
  active boolean not null default true,
  position integer not null default 0,
  updated_at timestamptz not null,
  updated_by_account_id uuid references accounts (id),
  check ((use = 'correction') = (addressed_to is not null))
);

-- One correction request (一次性告知): all its items at once, with one reply deadline.
create table correction_requests (
  id uuid primary key default gen_random_uuid(),
  application_id uuid not null references applications (id),
  opened_by_account_id uuid not null references accounts (id),
  opened_at timestamptz not null,
  reply_by date not null,
  reply_by_provisional boolean not null,
  -- Asked before acceptance: supplying it returns the application to 待受理.
  before_acceptance boolean not null
);
create index correction_requests_application on correction_requests (application_id);

alter table correction_items
  add column request_id uuid references correction_requests (id),
  add column reason_code text references review_reasons (code),
  -- The officer's review of what was supplied: accepted, or asked again in a later request.
  add column review text check (review in ('accepted', 'asked_again', 'withdrawn')),
  add column reviewed_at timestamptz,
  add column reviewed_by_account_id uuid references accounts (id),
  add check ((review is null) = (reviewed_at is null));
create index correction_items_request on correction_items (request_id);

-- Reminders sent before a reply deadline, once per request and threshold.
create table correction_reminders (
  request_id uuid not null references correction_requests (id),
  working_days_before integer not null,
  sent_at timestamptz not null,
  primary key (request_id, working_days_before)
);

-- Written decisions (准予注册决定书 / 不予注册决定书 / 不予受理决定书), one per application, numbered
-- per year and kind from a counter row (no gaps, unlike a sequence).
create table decision_counters (
  year integer not null,
  kind text not null,
  last integer not null,
  primary key (year, kind)
);
create table decisions (
  id uuid primary key default gen_random_uuid(),
  application_id uuid not null unique references applications (id),
  kind text not null check (kind in ('approval', 'refusal', 'not_accepted')),
  number text not null unique,
  decided_at timestamptz not null,
  officer_account_id uuid not null references accounts (id),
  reasons jsonb not null default '[]',
  note text not null default '',
  -- What the decision states, as it stood when decided.
  facts jsonb not null
);

-- An approved initial registration exists before its announcement but is not yet public; it counts
-- like an active one for rule 15 and the one-per-profession index.
alter table registrations drop constraint registrations_status_check;
alter table registrations add constraint registrations_status_check
  check (status in ('approved', 'active', 'cancelled', 'expired'));
alter table registrations drop constraint registrations_check1;
alter table registrations add constraint registrations_in_force_not_ended
  check ((status in ('approved', 'active')) = (ended_at is null));
drop index registrations_one_active_per_profession;
create unique index registrations_one_active_per_profession
  on registrations (person_id, profession) where status in ('approved', 'active');
alter table registrations add column approved_by_application_id uuid references applications (id);

-- Events are append-only: no one rewrites or removes what happened.
create function refuse_event_rewrite() returns trigger language plpgsql as $$
begin
  raise exception '% is append-only: % refused', tg_table_name, tg_op
    using errcode = 'insufficient_privilege';
end $$;
create trigger application_events_append_only before update or delete on application_events
  for each row execute function refuse_event_rewrite();
create trigger audit_events_append_only before update or delete on audit_events
  for each row execute function refuse_event_rewrite();

-- The standard wording the catalogue starts with.
insert into review_reasons (code, use, title, wording, addressed_to, position, updated_at) values
  ('contract_unclear', 'correction', '劳动合同不清晰', '上传的劳动合同扫描件不清晰或不完整，请重新上传包含双方签章页的完整劳动合同。', 'person', 10, now()),
  ('contract_period', 'correction', '劳动合同期限不符', '劳动合同期限与填报的聘用信息不一致，请核对后上传与填报一致的劳动合同。', 'person', 20, now()),
  ('photo_unfit', 'correction', '照片不符合要求', '证件照不符合要求（须为近6个月内免冠正面照，背景纯色），请重新上传。', 'person', 30, now()),
  ('education_proof', 'correction', '学历证明缺失', '请补充学历证书扫描件或学信网学历认证报告。', 'person', 40, now()),
  ('signed_form_unclear', 'correction', '申请表签章不清', '申请表扫描件上法定代表人签字或单位公章不清晰，请重新打印、签字盖章后上传。', 'enterprise', 50, now()),
  ('signed_form_mismatch', 'correction', '申请表与申报信息不一致', '上传的申请表与本次申报的信息版本不一致，请下载当前版本的申请表签字盖章后重新上传。', 'enterprise', 60, now()),
  ('social_insurance', 'correction', '社保缴纳证明', '请补充申请人近3个月在本单位缴纳社会保险的证明。', 'enterprise', 70, now()),
  ('other_material', 'correction', '其他材料', '请按备注说明补充材料。', 'person', 90, now()),
  ('not_qualified', 'refusal', '不具备注册条件', '申请人不符合相应注册条件。', null, 10, now()),
  ('contract_short', 'refusal', '劳动合同期限不足', '劳动合同期限自审查之日起不足三个月，不符合注册条件。', null, 20, now()),
  ('other_enterprise', 'refusal', '已在其他单位注册', '申请人已在其他单位注册，须先办理注销注册后方可申请。', null, 30, now()),
  ('correction_overdue', 'refusal', '逾期未补正', '申请人未在规定期限内补正材料。', null, 40, now()),
  ('false_material', 'refusal', '材料不真实', '申请材料存在虚假情况。', null, 50, now()),
  ('not_our_matter', 'not_accepted', '不属于本机关职权范围', '申请事项依法不属于本机关职权范围。', null, 10, now()),
  ('materials_incomplete', 'not_accepted', '材料不齐全且无法补正', '申请材料不齐全或者不符合法定形式，且无法补正。', null, 20, now()),
  ('duplicate', 'not_accepted', '重复申请', '同一事项已有申请正在办理。', null, 30, now());
