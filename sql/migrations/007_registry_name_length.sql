-- The legal-person registry's names become enterprises' names on a rename (rule 9): hold them to
-- the same length, so an approval can never fail on the enterprises check.
alter table legal_person_registry
  add constraint legal_person_registry_name_length check (length(name) between 1 and 100);
