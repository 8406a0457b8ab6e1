-- Review items about one record rather than a pair. An unplaced register record (kind 'unplaced', its second
-- reference the placeholder '<ref>~' as before) can be dismissed: kept as a source record only, a decision later
-- runs keep. A household an identity run created whose head could not be linked is queued as kind
-- 'household_head' ('hh:<id>' and 'hh:<id>~'): a worker picks the head among the candidates (an undoable merge)
-- or confirms it has none. `detail` holds what the item is about: the candidates considered (buildings or houses
-- for an unplaced record, persons for a head) and, once decided, the person chosen and the merge that set them.
ALTER TABLE identity_review DROP CONSTRAINT identity_review_kind_check;
ALTER TABLE identity_review ADD CONSTRAINT identity_review_kind_check
  CHECK (kind IN ('pair', 'conflict', 'unplaced', 'household_head'));
ALTER TABLE identity_review DROP CONSTRAINT identity_review_status_check;
ALTER TABLE identity_review ADD CONSTRAINT identity_review_status_check
  CHECK (status IN ('open', 'confirmed', 'split', 'obsolete', 'dismissed'));
ALTER TABLE identity_review ADD COLUMN detail jsonb;
