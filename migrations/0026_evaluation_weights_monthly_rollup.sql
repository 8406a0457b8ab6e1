-- 接诉即办 evaluation: the weights of the composite score (响应率 / 解决率 / 满意率), kept per district. A district
-- without a row scores with the common 10/45/45. Whole percentages that add up to 100; changes are audited
-- (request.evaluation-weights) with the figures before and after.
CREATE TABLE evaluation_weight (
  district_code  text PRIMARY KEY REFERENCES admin_division(code),
  w_response     smallint NOT NULL CHECK (w_response BETWEEN 0 AND 100),
  w_resolution   smallint NOT NULL CHECK (w_resolution BETWEEN 0 AND 100),
  w_satisfaction smallint NOT NULL CHECK (w_satisfaction BETWEEN 0 AND 100),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  updated_by     integer REFERENCES account(id),
  CHECK (w_response + w_resolution + w_satisfaction = 100)
);

-- The daily roll-up summed per month (first day of the month in `month`): at a city's scale the daily roll-up has
-- nearly as many rows as there are orders (a day × grid × unit × category is seldom hit twice), so a dashboard
-- over a year or two reads whole months here and only the odd days at either end of its period from the daily
-- table. Rebuilt with the daily rows of the same months.
CREATE TABLE order_monthly_rollup (
  month             date NOT NULL CHECK (extract(day FROM month) = 1),
  street_code       text NOT NULL,
  community_code    text NOT NULL,
  grid_id           integer NOT NULL,
  unit_code         text NOT NULL,
  category_code     text NOT NULL,
  received          integer NOT NULL,
  dispatched        integer NOT NULL,
  responded_on_time integer NOT NULL,
  resolved          integer NOT NULL,
  resolved_on_time  integer NOT NULL,
  visited           integer NOT NULL,
  solved            integer NOT NULL,
  satisfied         integer NOT NULL,
  PRIMARY KEY (month, street_code, community_code, grid_id, unit_code, category_code)
);
