-- The application form signed by the legal representative and stamped (rule 11), as uploaded by
-- the enterprise: tied to the snapshot version it was printed from.
alter table applications
  add column signed_form_file_id uuid references files (id),
  add column signed_form_snapshot_version integer,
  add check ((signed_form_file_id is null) = (signed_form_snapshot_version is null));
