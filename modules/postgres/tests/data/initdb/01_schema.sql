-- Runs first: the table that records the order in which the init scripts ran.
CREATE TABLE init_log (
    seq  serial PRIMARY KEY,
    step text NOT NULL
);
INSERT INTO init_log (step) VALUES ('01_schema.sql');

CREATE TABLE items (
    id   serial PRIMARY KEY,
    name text NOT NULL
);
