"""Shared fixtures: a migrated database per backend (SQLite and PostgreSQL), one rolled-back
transaction per test, and the sample dataset when ../shared/seed is beside the checkout."""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from db.migrate import upgrade
from db.session import make_engine

PG_ADMIN_URL = os.environ.get("LEAKBOT_TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() == "true"
SEED_DIR = Path(os.environ.get("LEAKBOT_SEED_DIR", Path(__file__).resolve().parents[2] / "shared" / "seed"))
SEED_CSV = SEED_DIR / "corrected_personal_spending_dataset.csv"


@pytest.fixture(autouse=True)
def _root_logging_restored() -> Iterator[None]:
    """A CLI test configures the root logger (bot/cli.py) to print to a captured stderr that
    pytest closes afterwards; put the root logger back so later logging has somewhere to go."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def _pg_admin() -> object:
    import psycopg

    return psycopg.connect(
        PG_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://"),
        autocommit=True,
        connect_timeout=5,
    )


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test run, dropped at the end."""
    name = f"leakbot_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = _pg_admin()
    except Exception as exc:  # psycopg.OperationalError and friends
        if IN_CI:
            pytest.fail(f"PostgreSQL is unreachable at {PG_ADMIN_URL} and CI=true: {exc}")
        pytest.skip(f"PostgreSQL is unreachable at {PG_ADMIN_URL}: {exc}")
    with admin:  # type: ignore[attr-defined]
        admin.execute(f'CREATE DATABASE "{name}"')  # type: ignore[attr-defined]
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with _pg_admin() as admin:  # type: ignore[attr-defined]
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'leakbot.db'}"


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """A migrated database on each backend."""
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
    upgrade(url)
    eng = make_engine(url)
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session whose work is rolled back after the test (services may flush, never commit)."""
    with engine.connect() as connection:
        transaction = connection.begin()
        db = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
        try:
            yield db
        finally:
            db.close()
            transaction.rollback()


@pytest.fixture(scope="session")
def seed_csv() -> bytes:
    """The sample dataset; skipped (visibly) outside CI when ../shared/seed is absent."""
    if not SEED_CSV.is_file():
        if IN_CI:
            pytest.fail(f"the sample dataset is missing at {SEED_CSV}")
        pytest.skip(f"sample dataset not found at {SEED_CSV} (it lives in ../shared/seed)")
    return SEED_CSV.read_bytes()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A brand-new, empty database (no migrations applied) on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    base = request.getfixturevalue("pg_url").rsplit("/", 1)[0]
    name = f"leakbot_empty_{uuid.uuid4().hex[:12]}"
    with _pg_admin() as admin:  # type: ignore[attr-defined]
        admin.execute(f'CREATE DATABASE "{name}"')  # type: ignore[attr-defined]
    try:
        yield f"{base}/{name}"
    finally:
        with _pg_admin() as admin:  # type: ignore[attr-defined]
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
