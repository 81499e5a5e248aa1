-- The queue's search by a person's name (lib/authority/queue.ts searchCondition): the names that
-- start with what the officer typed, as a range in code-point order, found by this index rather
-- than by testing the person of every open application.
create index persons_name_prefix on persons ((name collate "C"));
