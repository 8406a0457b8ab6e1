-- Hot spots of the evaluation page from roll-ups rather than the orders: per China day (and per month, summed
-- from the days) the orders of each map cell of about 200 m (lng and lat rounded to 1/500 degree, as the hot-spot
-- query rounds them), category, area path and lead unit (the two columns the query filters by), and how many of
-- them are still open. Rebuilt with the daily and monthly roll-ups of order_daily_rollup, for the same days.
-- '' stands for an order without a category or a lead unit.
CREATE TABLE order_hotspot_daily_rollup (
  day           date NOT NULL,
  scope_path    text NOT NULL,
  unit_code     text NOT NULL,
  cx            double precision NOT NULL,
  cy            double precision NOT NULL,
  category_code text NOT NULL,
  received      integer NOT NULL,
  open          integer NOT NULL,
  PRIMARY KEY (day, scope_path, unit_code, cx, cy, category_code)
);

CREATE TABLE order_hotspot_monthly_rollup (
  month         date NOT NULL CHECK (extract(day FROM month) = 1),
  scope_path    text NOT NULL,
  unit_code     text NOT NULL,
  cx            double precision NOT NULL,
  cy            double precision NOT NULL,
  category_code text NOT NULL,
  received      integer NOT NULL,
  open          integer NOT NULL,
  PRIMARY KEY (month, scope_path, unit_code, cx, cy, category_code)
);

-- Up to when the roll-ups hold every order: orders updated after `until` (work_order.updated_at) may be missing
-- or stale in them, so a query reads those orders' days from the orders themselves. One row; none until the
-- first full rebuild or refresh.
CREATE TABLE order_rollup_mark (
  id    boolean PRIMARY KEY DEFAULT true CHECK (id),
  until timestamptz NOT NULL
);
