-- Rule 12: what a correction item asks for. A 'licence' item is the enterprise's licence type and
-- number it chose "none for now" for at confirmation: addressed to the enterprise, it never holds
-- review, and what it supplies is kept on the application and on its registration.
alter table correction_items
  add column asks text not null default 'material' check (asks in ('material', 'licence')),
  add check (asks = 'material' or (addressed_to = 'enterprise' and not blocks_review));

alter table registrations add column enterprise_licence jsonb;
