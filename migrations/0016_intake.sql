-- Intake at volume: submission rate windows kept in the database (so limits hold across restarts and across
-- several server processes), and the lookups the same-incident check makes on every submission.

-- One row per key (client address, Open311 key, or the blind index of a phone) and fixed window. Old windows are
-- pruned by the requests jobs.
CREATE TABLE request_rate_window (
  key           text NOT NULL,
  window_start  timestamptz NOT NULL,
  hits          integer NOT NULL,
  -- The limit in force when the window opened: a refused attempt does not count, so hits never pass it.
  max_hits      integer NOT NULL,
  PRIMARY KEY (key, window_start)
);
CREATE INDEX request_rate_window_start ON request_rate_window (window_start);

-- Same-incident check: open orders at the same address (partial on the open states, so closed history never
-- enters the index); the nearby-place half of the check uses work_order_open_place (0011).
CREATE INDEX work_order_open_address ON work_order (address, received_at)
  WHERE address IS NOT NULL
    AND status IN ('received', 'classified', 'dispatched', 'accepted', 'in_progress', 'returned');
