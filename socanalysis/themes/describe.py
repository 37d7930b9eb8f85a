"""The theme table: keywords and labels per language, counts, dates, trend, representatives.

Pure function of the fitted state, so a manual edit (merge, split, rename) only has to change
the labels and call :func:`describe_themes` again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from socanalysis.themes.keywords import LanguageTerms

__all__ = ["describe_themes"]

_SEP = "; "


def _iso(value: object) -> str:
    import pandas as pd

    return "" if pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def _labels(
    theme: int,
    keywords: dict[str, list[str]],
    custom: dict[str, str],
    n_words: int,
    n_reports: dict[str, int] | None = None,
) -> dict[str, str]:
    """A theme's label per keyword language: a custom name, else its keywords in that
    language, else (no keywords, or too few of its reports in that language for them to
    describe it, ``own_label`` in ``data/themes.yaml``) the other language's, marked."""
    from socanalysis.themes.keywords import KEYWORD_LANGUAGES, make_label, settings

    cfg = settings()
    own = cfg.get("own_label", {})
    total = sum((n_reports or {}).values())
    out = {}
    for lang in KEYWORD_LANGUAGES:
        other = next(x for x in KEYWORD_LANGUAGES if x != lang)
        few = n_reports is not None and (
            n_reports.get(lang, 0) < int(own.get("min_reports", 0))
            and n_reports.get(lang, 0) < float(own.get("min_share", 0.0)) * total
        )
        if lang in custom:
            out[lang] = custom[lang]
        elif theme < 0:
            out[lang] = cfg["outlier_label"][lang]
        elif keywords[lang] and not (few and keywords[other]):
            out[lang] = make_label(keywords[lang], n_words)
        elif keywords[other]:
            prefix = cfg["borrowed_label_prefix"].format(lang=other)
            out[lang] = prefix + make_label(keywords[other], n_words)
        else:
            out[lang] = cfg["fallback_label"][lang].format(id=theme)
    return out


def describe_themes(
    frame: pd.DataFrame,
    Z: np.ndarray,
    labels: np.ndarray,
    theme_ids: np.ndarray,
    centroids: np.ndarray,
    terms: dict[str, LanguageTerms],
    custom_labels: dict[int, dict[str, str]],
    n_representatives: int,
) -> tuple[pd.DataFrame, pd.DataFrame, dict[int, dict[str, str]]]:
    """Build ``themes_`` and ``representatives_`` from the fitted state.

    Returns
    -------
    themes : DataFrame
        One row per theme in id order, then theme -1 when there are outliers.
    representatives : DataFrame
        theme_id, rank, report_id, language, text: the reports nearest each centroid (shown
        text, i.e. masked when the input had ``text_masked``), ties by input order.
    auto_labels : dict
        The keyword labels before custom renames, ``theme -> {lang: label}``.
    """
    import pandas as pd

    from socanalysis.themes.keywords import KEYWORD_LANGUAGES, ctfidf_keywords, settings
    from socanalysis.themes.model import THEME_COLUMNS
    from socanalysis.themes.trend import theme_trends

    cfg = settings()["keywords"]
    # the report languages whose words make each keyword language's keywords (fi: fi, mixed)
    keyword_languages = {
        lang: list(settings()["keyword_languages"][lang]) for lang in KEYWORD_LANGUAGES
    }
    rows_ids = [int(t) for t in theme_ids] + ([-1] if (labels < 0).any() else [])
    keywords = {
        lang: ctfidf_keywords(
            terms[lang],
            labels,
            rows_ids,
            int(cfg["n_keywords"]),
            min_reports=int(cfg.get("min_reports", 1)),
        )
        for lang in KEYWORD_LANGUAGES
    }
    trends = theme_trends(frame["date"].tolist(), labels)
    langs = frame["language"].to_numpy()
    polarity = frame["polarity"].str.lower().to_numpy()
    dates = frame["date"]
    ids = frame["report_id"].to_numpy()
    shown = frame["text_shown"].to_numpy()

    records, reps, auto = [], [], {}
    for k, theme in enumerate(rows_ids):
        members = np.flatnonzero(labels == theme)
        kw = {lang: [w for w, _ in keywords[lang][theme]] for lang in KEYWORD_LANGUAGES}
        in_language = {
            lang: int(np.isin(langs[members], codes).sum())
            for lang, codes in keyword_languages.items()
        }
        auto[theme] = _labels(theme, kw, {}, int(cfg["n_label_keywords"]), in_language)
        names = _labels(
            theme, kw, custom_labels.get(theme, {}), int(cfg["n_label_keywords"]), in_language
        )
        if theme >= 0:
            sims = Z[members] @ centroids[k]
            # most central first; stable sort keeps input order among equal cosines
            central = members[np.argsort(-np.round(sims, 6), kind="stable")]
        else:
            central = members
        examples = central[: max(n_representatives, 0)]
        for rank, i in enumerate(examples, start=1):
            reps.append(
                {"theme_id": theme, "rank": rank, "report_id": ids[i], "language": langs[i],
                 "text": shown[i]}
            )  # fmt: skip
        member_dates = dates.iloc[members]
        records.append(
            {
                "theme_id": theme,
                "label_fi": names["fi"],
                "label_sv": names["sv"],
                "keywords_fi": _SEP.join(kw["fi"]),
                "keywords_sv": _SEP.join(kw["sv"]),
                "n_reports": int(members.size),
                "n_fi": int(np.isin(langs[members], ["fi", "mixed"]).sum()),
                "n_sv": int(np.isin(langs[members], ["sv", "mixed"]).sum()),
                "n_positive": int((polarity[members] == "positive").sum()),
                "n_negative": int((polarity[members] == "negative").sum()),
                "first_date": _iso(member_dates.min()) if member_dates.notna().any() else "",
                "last_date": _iso(member_dates.max()) if member_dates.notna().any() else "",
                "trend": trends.get(theme, "") if theme >= 0 else "",
                "top_shl": "",
                "top_sectors": "",
                "example_report_ids": _SEP.join(str(ids[i]) for i in examples),
            }
        )
    themes = pd.DataFrame.from_records(records, columns=list(THEME_COLUMNS))
    representatives = pd.DataFrame.from_records(
        reps, columns=["theme_id", "rank", "report_id", "language", "text"]
    )
    return themes, representatives, auto
