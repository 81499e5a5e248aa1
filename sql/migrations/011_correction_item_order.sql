-- The items of one correction request are opened in the same instant: their order is the order the
-- officer listed them in, kept by a counter (items before this migration take one in any order).
alter table correction_items add column seq bigint generated always as identity;
create index correction_items_order on correction_items (application_id, seq);
