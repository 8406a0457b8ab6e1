-- Import throughput (issue 3): every row an import writes into source_person paid for two foreign-key checks whose
-- answer is the same for the whole run (its source and its run), and for an index nobody reads. The import checks
-- both once per batch instead: the batch's checkpoint UPDATE of its ingest_run row (whose source references
-- ingest_source) must find the run of that source, or the batch rolls back. Nothing deletes sources or runs.
ALTER TABLE source_person DROP CONSTRAINT source_person_source_fkey;
ALTER TABLE source_person DROP CONSTRAINT source_person_run_id_fkey;
-- Person source records are never looked up by phone (linkage reads them in pages by id; quality by ID number).
DROP INDEX source_person_phone_hash;
