-- Code tables as data (GB/T 2261.1 sex, GB/T 3304 ethnicity, GB/T 4761 family relation, GA/T 517 documents,
-- the platform's registration types and special-group tags). Codes never live as enums in code.
CREATE TABLE code_set (
  code_set    text PRIMARY KEY,
  name_zh     text NOT NULL,
  name_en     text NOT NULL,
  source_std  text NOT NULL
);

CREATE TABLE code_value (
  code_set    text NOT NULL REFERENCES code_set(code_set),
  code        text NOT NULL,
  label_zh    text NOT NULL,
  label_en    text NOT NULL,
  sort_order  integer NOT NULL DEFAULT 0,
  -- Sensitive values (health, special identity, income) are masked by the presenters unless unmasked.
  sensitive   boolean NOT NULL DEFAULT false,
  PRIMARY KEY (code_set, code)
);
