"""Pictures and documents: periods of entries, the charts, the monthly dashboard, the PDF
report and the weekly digest. matplotlib and pandas live here; the use cases load it on
first use."""
