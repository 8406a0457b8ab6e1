-- Days of water use closed and judged by the daily rules, one row per device and China-time day. Whoever closes
-- a day first (the meter's first reading of a later day, or the clock once the day is over) inserts its row; a
-- path that finds the row already there does not judge the day again, also after a restart. The last two weeks
-- of rows give the rules their consecutive-day history back when the server starts.
CREATE TABLE sensing_usage_day (
  device_id   integer NOT NULL REFERENCES sensor_device(id),
  -- Days since 1970-01-01 in China time (UTC+8).
  day         integer NOT NULL,
  total       double precision NOT NULL,
  -- Litres per hour of the day, 24 values.
  hourly      jsonb NOT NULL,
  readings    integer NOT NULL,
  closed_by   text NOT NULL CHECK (closed_by IN ('reading', 'clock')),
  closed_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (device_id, day)
);
