-- Orleans cluster state owned by this project: membership, reminders, grain storage.
-- (Filled in with the Orleans providers.)
SELECT 1;
