"""Column names and order of the files promised by the output contract (the README's "Output
files" table).

Scripts and the review network rely on these names; change them only with a version bump.
"""

from __future__ import annotations

REPORTS_COLUMNS = (
    "report_id",
    "status",
    "language",
    "language_confidence",
    "theme_id",
    "theme_label",
    "weak_signal_id",
    "shl_suggested",
    "shl_scores",
    "sectors_suggested",
    "sector_scores",
    "pii_masked",
    "text_masked",
)
#: Columns that follow the contract columns in reports.csv, to trace a row back to the input.
REPORTS_TRACE_COLUMNS = (
    "source_row",
    "status_reason",
    "duplicate_of",
    "date",
    "unit",
    "municipality",
    "polarity",
)
THEMES_COLUMNS = (
    "theme_id",
    "label_fi",
    "label_sv",
    "keywords_fi",
    "keywords_sv",
    "n_reports",
    "n_fi",
    "n_sv",
    "n_positive",
    "n_negative",
    "first_date",
    "last_date",
    "trend",
    "top_shl",
    "top_sectors",
    "example_report_ids",
)
WEAK_SIGNALS_COLUMNS = (
    "weak_signal_id",
    "label_fi",
    "label_sv",
    "report_ids",
    "n_reports",
    "n_units",
    "score",
    "why",
)
#: Value of theme_id for reports that belong to no theme (never dropped).
OUTLIER_THEME_ID = -1
