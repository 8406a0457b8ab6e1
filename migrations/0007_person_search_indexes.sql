-- Resident lists filtered by grid (the grid worker's everyday view, and every grid drill-down) read the grid's
-- residents in id order: without this index such a list scans the whole person table.
CREATE INDEX person_grid ON person (grid_id, id);
