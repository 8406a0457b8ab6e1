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
