-- Entity runs put what they cannot settle alone in the review queue beside the uncertain pairs: two platform rows
-- that resolve to one entity (a conflict, which a reviewer merges: the duplicate row is absorbed by the other in
-- an undoable merge) and a cluster of register records that could not be placed (no building, house or grid
-- known), with the reason. A register-only cluster that can be placed creates its platform row in a merge that
-- records the creation, so undoing it removes the row again.
ALTER TABLE identity_review ADD COLUMN kind text NOT NULL DEFAULT 'pair'
  CHECK (kind IN ('pair', 'conflict', 'unplaced'));
ALTER TABLE identity_review ADD COLUMN problem text;
ALTER TABLE identity_entity_merge ADD COLUMN created_entity boolean NOT NULL DEFAULT false;
