"""Data layer: SQLAlchemy models, engine and session, repositories, migrations runner."""
