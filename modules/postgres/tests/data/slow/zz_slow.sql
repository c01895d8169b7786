-- A slow initialisation: readiness must wait for the real server, after this script.
SELECT pg_sleep(4);
INSERT INTO init_log (step) VALUES ('zz_slow.sql');
