"""start → stop → start: the same container, its init scripts copied once per start."""

from __future__ import annotations

from conftest import DATA

from dockyard.core import resolve_image_name
from dockyard.postgres import PostgresContainer


def test_start_stop_start_runs_the_same_configuration_twice() -> None:
    pg = PostgresContainer().with_init_scripts_dir(DATA / "initdb")
    scripts = len(pg.init_scripts)
    image = resolve_image_name(pg.image)
    before = pg.resolved_spec().config_hash(image)
    for _ in range(2):
        with pg:
            with pg.connect() as connection:
                cursor = connection.cursor()
                cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
                assert cursor.fetchone()[0] > 0  # the init scripts ran on this start
            assert len(pg.running.spec.copies) == scripts  # not one more per start
        assert pg.resolved_spec().config_hash(image) == before  # the reuse hash is stable
    assert not pg.started
