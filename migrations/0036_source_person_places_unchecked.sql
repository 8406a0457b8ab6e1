-- Import throughput (issue 3), the database side: every row an import writes into source_person paid for two
-- foreign-key lookups (grid_id → grid, building_id → building) and for an index nobody reads. Measured on the
-- 72,575 police rows written in batches of 5,000 as the import does (every batch: key lookup, write, checkpoint),
-- nine rows in ten placed in a building: PostgreSQL server CPU 1.46–1.59 s with the keys, 0.90–1.05 s without;
-- PGlite CPU 4.2–4.7 s with them, 3.2–3.5 s without. The index on building_id cost little more on top, but
-- nothing reads source_person by building: identity pages by id and scope, quality scans a source and probes
-- the ID-number index, the offender list and the presenter read building_id only as a column of rows they found
-- otherwise.
--
-- What keeps the references true instead: source_person.building_id and .grid_id are written only from a
-- building the import (or the quarantine re-import, which builds the same normalising context) read from the
-- building table in the same database at the start of its run, with that building's own grid_id; building and
-- grid rows are never deleted (no service, command or migration deletes them; a building's grid_id is itself a
-- checked key). A test checks after the import and quarantine tests that no source record points at a missing
-- building or grid, or at another grid than its building's. Under Citus source_person and building would be
-- distributed by street_code, where these keys would have had to become (street_code, …) pairs anyway.
ALTER TABLE source_person DROP CONSTRAINT source_person_grid_id_fkey;
ALTER TABLE source_person DROP CONSTRAINT source_person_building_id_fkey;
DROP INDEX source_person_building;
