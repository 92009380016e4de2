"""CSV import: our own export, the sample dataset's format, and bank / UPI statements."""

from services.importing.pipeline import ImportSummary, import_csv, revert_import

__all__ = ["ImportSummary", "import_csv", "revert_import"]
