-- Added with with_init_script() after with_init_scripts_dir(): must run last but one.
INSERT INTO init_log (step) VALUES ('extra_after_dir.sql');
