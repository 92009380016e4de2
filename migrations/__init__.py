"""Alembic migrations of LeakBot's schema (packaged so `leakbot db upgrade` finds them)."""
