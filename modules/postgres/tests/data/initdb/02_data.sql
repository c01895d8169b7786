INSERT INTO init_log (step) VALUES ('02_data.sql');
INSERT INTO items (name) VALUES ('anchor'), ('bollard'), ('capstan');
