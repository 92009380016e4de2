"""PostgreSQL dropping every connection under the bot (a restart, a failover): the next unit of
work reconnects (pool pre-ping) and nothing is lost."""

from __future__ import annotations

from sqlalchemy import func, select, text

from db.migrate import upgrade
from db.models import User
from db.session import make_engine, make_session_factory, session_scope
from tests.conftest import _pg_admin
from tests.factories import make_user


def test_the_engine_reconnects_after_postgresql_drops_its_connections(pg_url: str) -> None:
    upgrade(pg_url)
    engine = make_engine(pg_url)
    sessions = make_session_factory(engine)
    with session_scope(sessions) as session:
        before = session.scalar(select(func.count()).select_from(User))
        make_user(session)
    database = pg_url.rsplit("/", 1)[1]
    with _pg_admin() as admin:  # type: ignore[attr-defined]
        killed = admin.execute(  # type: ignore[attr-defined]
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (database,),
        ).fetchone()[0]
    assert killed >= 1  # the pooled connection is gone
    with session_scope(sessions) as session:
        make_user(session)
        assert session.scalar(select(func.count()).select_from(User)) == before + 2
        assert session.execute(text("SELECT 1")).scalar() == 1
    engine.dispose()
