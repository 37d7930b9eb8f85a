"""Counts and profiles that the workbook, the meeting report and the charts share.

Every function takes the analysed report table (or the theme table) and returns a small
DataFrame; nothing here reads raw report text. Only rows with status ``ok`` are counted, so
duplicates and unreadable rows do not inflate figures.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from socanalysis.export.contract import OUTLIER_THEME_ID

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

POLARITIES = ("positive", "negative", "unknown")
SHL_POINTS = tuple(str(i) for i in range(1, 11))


def is_missing(value: Any) -> bool:
    """True for None, NaN, NaT and pandas' NA (without importing pandas).

    Examples
    --------
    >>> import pandas as pd
    >>> [is_missing(v) for v in (None, float("nan"), pd.NA, pd.NaT, "", 0)]
    [True, True, True, True, False, False]
    """
    if value is None:
        return True
    try:
        return bool(value != value)
    except (TypeError, ValueError):  # pd.NA: its comparisons are NA, whose truth is undefined
        return type(value).__name__ in ("NAType", "NaTType")


def split_keys(value: Any) -> list[str]:
    """Split a ``;``-separated cell (or a list) into keys, dropping blanks.

    Examples
    --------
    >>> split_keys("3; 8;"), split_keys(["kela", ""]), split_keys(float("nan"))
    (['3', '8'], ['kela'], [])
    """
    if is_missing(value):
        return []
    if isinstance(value, str):
        parts: Iterable[Any] = value.replace(",", ";").split(";")
    elif isinstance(value, Iterable):
        parts = value
    else:
        parts = [value]
    out = []
    for part in parts:
        text = str(part).strip()
        if text.endswith(".0") and text[:-2].isdigit():  # 3.0 read from a spreadsheet
            text = text[:-2]
        if text:
            out.append(text)
    return out


def analysed(reports: pd.DataFrame) -> pd.DataFrame:
    """The rows that were analysed (status ``ok``), all rows if there is no status column."""
    if "status" not in reports.columns:
        return reports
    return reports.loc[reports["status"] == "ok"]


def polarity_of(reports: pd.DataFrame) -> pd.Series:
    """Polarity per row: positive, negative or unknown (missing column: unknown)."""
    import pandas as pd

    if "polarity" not in reports.columns:
        return pd.Series("unknown", index=reports.index)
    values = reports["polarity"].fillna("unknown").astype(str)
    return values.where(values.isin(POLARITIES), "unknown")


def dates_of(reports: pd.DataFrame) -> pd.Series:
    """Dates as datetime64 (unparseable or missing: NaT)."""
    import pandas as pd

    if "date" not in reports.columns:
        return pd.Series(pd.NaT, index=reports.index, dtype="datetime64[ns]")
    from socanalysis.intake.dates import as_datetimes

    return as_datetimes(reports["date"])


def resolve_period(dates: pd.Series, period: str = "auto") -> str:
    """The period used for counts: ``auto`` picks month, quarter or half-year by the date span,
    by the rule the weak signals use (:func:`socanalysis.themes.weak_periods.choose_period`),
    so that the counts and the weak signals of one report speak of the same periods.

    Examples
    --------
    >>> import pandas as pd
    >>> resolve_period(pd.Series(pd.to_datetime(["2024-01-05", "2025-11-30"])))
    'quarter'
    >>> resolve_period(pd.Series(pd.to_datetime(["2024-01-05", "2024-03-01"])))
    'month'
    >>> resolve_period(pd.Series(pd.to_datetime(["2021-01-05", "2025-11-30"])))
    'half-year'
    """
    from socanalysis.themes.weak_periods import choose_period

    if period != "auto":
        return period
    if dates.dropna().empty:
        return "year"
    return choose_period(dates)


def period_labels(dates: pd.Series, period: str) -> pd.Series:
    """Sortable period labels: ``2024``, ``2024-H1``, ``2024-Q3``, ``2024-05``; NaT gives "".

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.Series(pd.to_datetime(["2024-08-01", None]))
    >>> period_labels(d, "half-year").tolist(), period_labels(d, "quarter").tolist()
    (['2024-H2', ''], ['2024-Q3', ''])
    """
    year = dates.dt.year.astype("Int64").astype(str)
    if period == "year":
        labels = year
    elif period == "half-year":
        labels = year + "-H" + ((dates.dt.month - 1) // 6 + 1).astype("Int64").astype(str)
    elif period == "quarter":
        labels = year + "-Q" + dates.dt.quarter.astype("Int64").astype(str)
    elif period == "month":
        labels = year + "-" + dates.dt.month.astype("Int64").astype(str).str.zfill(2)
    else:
        raise ValueError(f"unknown period {period!r}")
    return labels.where(dates.notna(), "")


def _count_keys(
    reports: pd.DataFrame, column: str, order: Iterable[str], labels: Mapping[str, str]
) -> pd.DataFrame:
    import pandas as pd

    rows = analysed(reports)
    polarity = polarity_of(rows)
    counts: dict[str, dict[str, int]] = {}
    if column in rows.columns:
        for value, pol in zip(rows[column].tolist(), polarity.tolist(), strict=True):
            for key in dict.fromkeys(split_keys(value)):  # a key once per report
                entry = counts.setdefault(key, {"n": 0, "positive": 0, "negative": 0})
                entry["n"] += 1
                if pol in ("positive", "negative"):
                    entry[pol] += 1
    keys = list(dict.fromkeys([*order, *sorted(counts)]))
    total = max(len(rows), 1)
    frame = pd.DataFrame(
        {
            "key": keys,
            "label": [labels.get(k, k) for k in keys],
            "n_reports": [counts.get(k, {}).get("n", 0) for k in keys],
            "n_positive": [counts.get(k, {}).get("positive", 0) for k in keys],
            "n_negative": [counts.get(k, {}).get("negative", 0) for k in keys],
        }
    )
    frame["share"] = (frame["n_reports"] / total).round(4)
    reported = column.replace("_suggested", "_reported")
    if f"{reported}_keys" in rows.columns:
        # the choices read into keys by the analysis, words and inflected names included
        reported = f"{reported}_keys"
    if reported in rows.columns and reported != column:
        tally: dict[str, int] = {}
        for value in rows[reported].tolist():
            for key in dict.fromkeys(split_keys(value)):
                tally[key] = tally.get(key, 0) + 1
        frame["n_reported"] = [tally.get(k, 0) for k in keys]
    return frame


def shl_counts(reports: pd.DataFrame, labels: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Reports per §11 point 1-10 (suggested, and reporter's choice where the form had it).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"status": ["ok", "ok"], "shl_suggested": ["3;8", "3"],
    ...                   "polarity": ["negative", "positive"]})
    >>> row = shl_counts(t).set_index("key").loc["3"]
    >>> int(row["n_reports"]), int(row["n_positive"]), float(row["share"])
    (2, 1, 1.0)
    """
    return _count_keys(reports, "shl_suggested", SHL_POINTS, labels or {})


def sector_counts(reports: pd.DataFrame, labels: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Reports per sector key; keys in ``labels`` come first, in the taxonomy's order."""
    labels = labels or {}
    frame = _count_keys(reports, "sectors_suggested", list(labels), labels)
    return frame


def unit_counts(reports: pd.DataFrame) -> pd.DataFrame:
    """Reports per municipality and unit, largest first (ties by name)."""
    import pandas as pd

    rows = analysed(reports).copy()
    for column in ("municipality", "unit"):
        rows[column] = rows[column].fillna("").astype(str) if column in rows.columns else ""
    rows["_polarity"] = polarity_of(rows)
    if rows.empty:
        return pd.DataFrame(
            columns=["municipality", "unit", "n_reports", "n_positive", "n_negative"]
        )
    grouped = rows.groupby(["municipality", "unit"], sort=True)
    frame = pd.DataFrame(
        {
            "n_reports": grouped.size(),
            "n_positive": grouped["_polarity"].agg(lambda s: int((s == "positive").sum())),
            "n_negative": grouped["_polarity"].agg(lambda s: int((s == "negative").sum())),
        }
    ).reset_index()
    return frame.sort_values(
        ["n_reports", "municipality", "unit"], ascending=[False, True, True], kind="stable"
    ).reset_index(drop=True)


def language_segments(themes: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Reports per theme in Finnish, Swedish and other languages, adding up to ``n_reports``.

    ``n_fi`` and ``n_sv`` both count a mixed-language report; a bar drawn from them would be
    longer than the theme, so a mixed report is shown once, with the Finnish ones.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"n_reports": [16, 5], "n_fi": [11, 0], "n_sv": [6, 4]})
    >>> [part.tolist() for part in language_segments(t)]
    [[11, 0], [5, 4], [0, 1]]
    """
    import numpy as np

    total = themes["n_reports"].fillna(0).astype(int).to_numpy()
    fi = np.minimum(themes["n_fi"].fillna(0).astype(int).to_numpy(), total)
    sv = np.minimum(themes["n_sv"].fillna(0).astype(int).to_numpy(), total - fi)
    return fi, sv, total - fi - sv


def unit_names(row: Mapping[str, Any], missing: str) -> tuple[str, str]:
    """(municipality, unit) of a :func:`unit_counts` row as a table shows them: a row of
    reports with neither is named ``missing`` instead of being left blank.

    Examples
    --------
    >>> unit_names({"municipality": "", "unit": ""}, "(no unit)")
    ('', '(no unit)')
    >>> unit_names({"municipality": "Vasa", "unit": ""}, "(no unit)")
    ('Vasa', '')
    """
    municipality, unit = str(row["municipality"]), str(row["unit"])
    return (municipality, unit) if municipality or unit else ("", missing)


def period_counts(reports: pd.DataFrame, period: str = "auto") -> pd.DataFrame:
    """Reports per period with polarity and language counts, oldest first."""
    import pandas as pd

    rows = analysed(reports)
    dates = dates_of(rows)
    labels = period_labels(dates, resolve_period(dates, period))
    language = rows["language"].fillna("") if "language" in rows.columns else ""
    data = pd.DataFrame(
        {"period": labels, "polarity": polarity_of(rows), "language": language},
        index=rows.index,
    )
    out = []
    for name, group in data.groupby("period", sort=True):
        out.append(
            {
                "period": name,
                "n_reports": len(group),
                "n_positive": int((group["polarity"] == "positive").sum()),
                "n_negative": int((group["polarity"] == "negative").sum()),
                "n_unknown": int((group["polarity"] == "unknown").sum()),
                "n_fi": int((group["language"] == "fi").sum()),
                "n_sv": int((group["language"] == "sv").sum()),
            }
        )
    frame = pd.DataFrame(
        out,
        columns=["period", "n_reports", "n_positive", "n_negative", "n_unknown", "n_fi", "n_sv"],
    )
    # undated reports sort last instead of first
    return pd.concat([frame[frame["period"] != ""], frame[frame["period"] == ""]]).reset_index(
        drop=True
    )


def is_borrowed(label: str) -> bool:
    """Whether a label is the other language's words with their mark ("(sv) konto, bank"),
    given to a theme or signal that has no report in this language.

    Examples
    --------
    >>> is_borrowed("(sv) konto, bank"), is_borrowed("asunto, vuokra")
    (True, False)
    """
    from socanalysis.themes.keywords import settings

    prefix = settings()["borrowed_label_prefix"]
    return any(label.startswith(prefix.format(lang=lang)) for lang in ("fi", "sv"))


def theme_name(row: Mapping[str, Any], language: str) -> str:
    """A theme's label in the reader's language (en uses the Finnish label, then Swedish).

    Examples
    --------
    >>> theme_name({"theme_id": 2, "label_fi": "Asuminen", "label_sv": "Boende"}, "sv")
    'Boende'
    """
    order = ("label_sv", "label_fi") if language == "sv" else ("label_fi", "label_sv")
    for column in order:
        value = row.get(column)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return f"#{row.get('theme_id', '?')}"


def themes_in_order(themes: pd.DataFrame) -> pd.DataFrame:
    """Themes largest first, outliers (-1) last; ties by theme id."""
    if themes.empty:
        return themes
    frame = themes.copy()
    frame["_outlier"] = frame["theme_id"].astype(int) == OUTLIER_THEME_ID
    frame["_n"] = frame["n_reports"].fillna(0).astype(int)
    frame = frame.sort_values(
        ["_outlier", "_n", "theme_id"], ascending=[True, False, True], kind="stable"
    )
    return frame.drop(columns=["_outlier", "_n"]).reset_index(drop=True)


def theme_profile(
    reports: pd.DataFrame, theme_id: int, column: str, labels: Mapping[str, str] | None = None
) -> list[tuple[str, str, int]]:
    """``(key, label, n)`` for the keys in ``column`` among one theme's reports, most first.

    For every theme at once use :func:`theme_profiles` (one pass over the reports).
    """
    return theme_profiles(reports, column, labels, theme_ids=[theme_id]).get(theme_id, [])


def theme_profiles(
    reports: pd.DataFrame,
    column: str,
    labels: Mapping[str, str] | None = None,
    theme_ids: Iterable[Any] | None = None,
) -> dict[Any, list[tuple[str, str, int]]]:
    """:func:`theme_profile` of every theme, from one pass over the reports.

    The meeting report asked for each theme's profile separately, filtering the whole table
    per theme and column: O(themes x reports), 290 themes x 100 000 reports twice. Here each
    report is read once, O(reports). Keys are the ``theme_id`` values as in the table, looked
    up like ``==`` compares (3, 3.0 and numpy's 3 are one theme); ``theme_ids`` limits the
    tally to those themes.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"status": ["ok", "ok", "ok"], "theme_id": [0, 0, 1],
    ...                   "shl_suggested": ["3;8", "3", "8"]})
    >>> theme_profiles(t, "shl_suggested")[0]
    [('3', '3', 2), ('8', '8', 1)]
    """
    rows = analysed(reports)
    if column not in rows.columns or "theme_id" not in rows.columns:
        return {}
    wanted = None if theme_ids is None else set(theme_ids)
    tallies: dict[Any, dict[str, int]] = {}
    for theme, value in zip(rows["theme_id"].tolist(), rows[column].tolist(), strict=True):
        if wanted is not None and theme not in wanted:
            continue
        tally = tallies.setdefault(theme, {})
        for key in dict.fromkeys(split_keys(value)):
            tally[key] = tally.get(key, 0) + 1
    labels = labels or {}
    out = {}
    for theme, tally in tallies.items():
        ordered = sorted(tally.items(), key=lambda kv: (-kv[1], _key_sort(kv[0])))
        out[theme] = [(k, labels.get(k, k), n) for k, n in ordered]
    return out


def _key_sort(key: str) -> tuple[int, int, str]:
    return (0, int(key), "") if key.isdigit() else (1, 0, key)


def theme_period_matrix(
    reports: pd.DataFrame, period: str = "auto", every_period: bool = False
) -> pd.DataFrame:
    """Reports per theme (rows, outliers excluded) and period (columns, oldest first).

    ``every_period`` adds the periods between the first and the last that no report of a
    theme falls in, as columns of zeros, so that a time axis drawn from the columns is linear.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"status": ["ok", "ok"], "theme_id": [0, 0],
    ...                   "date": pd.to_datetime(["2024-01-15", "2024-04-02"])})
    >>> list(theme_period_matrix(t, "month", every_period=True).columns)
    ['2024-01', '2024-02', '2024-03', '2024-04']
    """
    import pandas as pd

    rows = analysed(reports)
    if "theme_id" not in rows.columns:
        return pd.DataFrame()
    dates = dates_of(rows)
    chosen = resolve_period(dates, period)
    labels = period_labels(dates, chosen)
    data = pd.DataFrame({"theme_id": rows["theme_id"].astype(int), "period": labels})
    data = data[(data["period"] != "") & (data["theme_id"] != OUTLIER_THEME_ID)]
    if data.empty:
        return pd.DataFrame()
    matrix = pd.crosstab(data["theme_id"], data["period"]).sort_index(axis=0).sort_index(axis=1)
    if every_period:
        valid = dates.dropna()
        months = pd.Series(
            pd.date_range(valid.min().to_period("M").to_timestamp(), valid.max(), freq="MS")
        )
        every = list(dict.fromkeys(period_labels(months, chosen)))
        matrix = matrix.reindex(columns=every, fill_value=0)
    return matrix


def theme_sector_matrix(reports: pd.DataFrame) -> pd.DataFrame:
    """Reports per theme (rows) and suggested sector (columns), outliers excluded."""
    import pandas as pd

    rows = analysed(reports)
    if "theme_id" not in rows.columns or "sectors_suggested" not in rows.columns:
        return pd.DataFrame()
    pairs = [
        (int(t), key)
        for t, value in zip(
            rows["theme_id"].tolist(), rows["sectors_suggested"].tolist(), strict=True
        )
        if int(t) != OUTLIER_THEME_ID
        for key in dict.fromkeys(split_keys(value))
    ]
    if not pairs:
        return pd.DataFrame()
    data = pd.DataFrame(pairs, columns=["theme_id", "sector"])
    return pd.crosstab(data["theme_id"], data["sector"]).sort_index(axis=0).sort_index(axis=1)


def emergence_frame(
    reports: pd.DataFrame, themes: pd.DataFrame, period: str = "auto", language: str = "fi"
) -> pd.DataFrame:
    """Frequency and growth per theme, the input of the emergence map.

    ``frequency`` is the number of reports; ``growth`` compares the theme's share of all reports
    in the latest period (s1) with its share in the earlier periods (s0) as
    ``(s1 - s0) / (s1 + s0)``: -1 gone, 0 steady, +1 new (shares smoothed by adding a half, so
    a single report does not reach the ends). This is the visibility and growth of a Keyword
    Emergence Map (Yoon 2012), computed per theme and bounded so one new theme does not squash
    the rest of the map.

    Returns
    -------
    DataFrame
        Columns ``term`` (theme label), ``theme_id``, ``frequency``, ``growth``.
    """
    import pandas as pd

    matrix = theme_period_matrix(reports, period)
    columns = ["term", "theme_id", "frequency", "growth"]
    if matrix.empty:
        return pd.DataFrame(columns=columns)
    rows = analysed(reports)
    dates = dates_of(rows)
    labels = period_labels(dates, resolve_period(dates, period))
    totals = labels[labels != ""].value_counts()
    periods = list(matrix.columns)
    last = periods[-1]
    n_last = int(totals.get(last, 0))
    n_prev = int(sum(totals.get(p, 0) for p in periods[:-1]))
    names = {}
    if not themes.empty:
        names = {int(r["theme_id"]): theme_name(r, language) for r in themes.to_dict("records")}
    out = []
    for theme_id, counts in matrix.iterrows():
        c_last = int(counts[last])
        c_prev = int(counts.drop(last).sum()) if len(periods) > 1 else 0
        share_last = (c_last + 0.5) / (n_last + 1)
        share_prev = (c_prev + 0.5) / (n_prev + 1)
        out.append(
            {
                "term": names.get(int(theme_id), f"#{theme_id}"),
                "theme_id": int(theme_id),
                "frequency": int(counts.sum()),
                "growth": round((share_last - share_prev) / (share_last + share_prev), 4)
                if len(periods) > 1
                else 0.0,
            }
        )
    return pd.DataFrame(out, columns=columns)


def weak_quadrant(frame: pd.DataFrame) -> pd.Series:
    """True for rows in the weak-signal quadrant: below-median frequency, growth above zero
    and above the median growth."""
    if frame.empty:
        return frame.get("frequency", frame.index.to_series()).astype(bool)
    freq_cut = frame["frequency"].median()
    growth_cut = max(0.0, float(frame["growth"].median()))
    return (frame["frequency"] <= freq_cut) & (frame["growth"] > growth_cut)
