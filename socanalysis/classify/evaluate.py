"""Quality of category suggestions against known labels.

Precision, recall and F1 per category (micro and macro averages), the share of reports whose
primary label is the first suggestion (top-1) or among the three best scores (top-3), and a
confusion table of primary label against first suggestion. Zero-shot is evaluated on the whole
set (it uses no labels); supervised is cross-validated (each report predicted by a model that
never saw its label).

Examples
--------
>>> per, summary = multilabel_scores([["1"], ["2", "3"]], [["1"], ["2"]], ["1", "2", "3"])
>>> summary["micro_f1"], summary["macro_f1"]
(0.8, 0.667)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from socanalysis.classify.suggester import CategorySuggester, check_settings, parse_labels
from socanalysis.classify.taxonomy import Taxonomy, load_taxonomy
from socanalysis.errors import InputError

__all__ = [
    "EvaluationResult",
    "confusion_table",
    "cross_validate",
    "hit_rates",
    "learning_curve",
    "multilabel_scores",
]


def check_evaluation_inputs(
    caller: str,
    texts: Sequence[str],
    embeddings: Any,
    languages: Sequence[Any] | None,
    labels: Sequence[Any],
    report_ids: Sequence[Any] | None = None,
) -> np.ndarray:
    """The embeddings as a float32 matrix, after checking that every input has one entry per
    text (an ``InputError`` naming the lengths otherwise, not an IndexError from a fold)."""
    if isinstance(texts, str):
        raise InputError(f"{caller} takes a list of report texts, not one string")
    if labels is None:
        raise InputError(f"{caller} needs labels: one per text, None for an unlabelled report")
    n = len(texts)
    try:
        X = np.asarray(embeddings, dtype=np.float32)
    except (TypeError, ValueError):
        raise InputError("embeddings must be numbers: one row of floats per report") from None
    if X.ndim != 2:
        raise InputError(f"embeddings must be a 2-D array (n_reports, dim), got shape {X.shape}")
    if X.shape[0] != n:
        raise InputError(
            f"{caller} got {n} texts but embeddings with {X.shape[0]} rows; give one embedding "
            "per text, in the same order"
        )
    for what, values, hint in (
        ("labels", labels, "None for an unlabelled report"),
        ("languages", languages, "None where it is not known"),
        ("report_ids", report_ids, "or leave report_ids out"),
    ):
        if values is not None and (isinstance(values, str) or len(values) != n):
            got = "one string" if isinstance(values, str) else f"{len(values)} {what}"
            raise InputError(
                f"{caller} got {n} texts but {got}; give one per text, in the same order ({hint})"
            )
    return X


def check_n_splits(n_splits: Any) -> int:
    """``n_splits`` as an int of at least 2 (the folds of a cross-validation), or an
    ``InputError``."""
    if isinstance(n_splits, bool) or not isinstance(n_splits, (int, np.integer)) or n_splits < 2:
        raise InputError(
            f"n_splits must be a whole number of at least 2 (each fold is predicted by a model "
            f"fitted on the others), got {n_splits!r}"
        )
    return int(n_splits)


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def multilabel_scores(
    gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]], keys: Sequence[str]
):
    """Per-category precision/recall/F1 and their micro and macro averages.

    Returns
    -------
    per_category : pandas.DataFrame
        ``key``, ``support`` (gold count), ``n_suggested``, ``precision``, ``recall``, ``f1``.
    summary : dict
        ``micro_precision``, ``micro_recall``, ``micro_f1``, ``macro_precision``,
        ``macro_recall``, ``macro_f1`` (macro over categories with support > 0), rounded to 3.
    """
    import pandas as pd

    rows = []
    tp_all = fp_all = fn_all = 0
    for k in keys:
        tp = sum(1 for g, p in zip(gold, pred, strict=False) if k in g and k in p)
        fp = sum(1 for g, p in zip(gold, pred, strict=False) if k not in g and k in p)
        fn = sum(1 for g, p in zip(gold, pred, strict=False) if k in g and k not in p)
        tp_all, fp_all, fn_all = tp_all + tp, fp_all + fp, fn_all + fn
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        rows.append(
            {
                "key": k,
                "support": tp + fn,
                "n_suggested": tp + fp,
                "precision": round(prec, 3),
                "recall": round(rec, 3),
                "f1": round(_f1(prec, rec), 3),
            }
        )
    per = pd.DataFrame(rows)
    mp = tp_all / (tp_all + fp_all) if tp_all + fp_all else 0.0
    mr = tp_all / (tp_all + fn_all) if tp_all + fn_all else 0.0
    sup = per[per["support"] > 0]
    summary = {
        "micro_precision": round(mp, 3),
        "micro_recall": round(mr, 3),
        "micro_f1": round(_f1(mp, mr), 3),
        "macro_precision": round(float(sup["precision"].mean()), 3) if len(sup) else 0.0,
        "macro_recall": round(float(sup["recall"].mean()), 3) if len(sup) else 0.0,
        "macro_f1": round(float(sup["f1"].mean()), 3) if len(sup) else 0.0,
    }
    return per, summary


def hit_rates(
    gold: Sequence[Sequence[str]], scores, ks: Sequence[int] = (1, 3)
) -> dict[str, float]:
    """Share of labelled reports whose primary (first) gold label is among the ``k`` best scores.

    ``scores`` is a DataFrame (reports x category keys), e.g. from ``predict_proba``.
    """
    keys = list(scores.columns)
    P = scores.to_numpy()
    out = {}
    rows = [i for i, g in enumerate(gold) if g]
    for k in ks:
        hits = 0
        for i in rows:
            order = np.argsort(-P[i], kind="stable")[:k]
            hits += gold[i][0] in {keys[j] for j in order}
        out[f"top{k}"] = round(hits / len(rows), 3) if rows else 0.0
    return out


def confusion_table(
    gold_primary: Sequence[str], predicted_first: Sequence[str | None], keys: Sequence[str]
):
    """Counts of primary gold label (rows) against first suggestion (columns, "none" if empty)."""
    import pandas as pd

    cols = [*keys, "none"]
    M = pd.DataFrame(0, index=pd.Index(list(keys), name="gold"), columns=cols)
    M.columns.name = "suggested"
    for g, p in zip(gold_primary, predicted_first, strict=False):
        if g in M.index:
            M.loc[g, p if p in keys else "none"] += 1
    return M


@dataclass
class EvaluationResult:
    """Everything :func:`cross_validate` measured."""

    mode: str
    per_category: Any  # DataFrame
    summary: dict[str, Any]
    confusion: Any  # DataFrame
    predictions: Any  # DataFrame: report_id, gold, suggested, scores
    params: dict[str, Any] = field(default_factory=dict)

    def save(self, directory: str | Path, prefix: str = "") -> list[Path]:
        """Write per-category, confusion and prediction CSVs plus a summary JSON."""
        import json

        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        p = f"{prefix}{self.mode}_"
        paths = [
            d / f"{p}per_category.csv",
            d / f"{p}confusion.csv",
            d / f"{p}predictions.csv",
            d / f"{p}summary.json",
        ]
        self.per_category.to_csv(paths[0], index=False)
        self.confusion.to_csv(paths[1])
        self.predictions.to_csv(paths[2], index=False)
        paths[3].write_text(
            json.dumps({"mode": self.mode, **self.summary, "params": self.params}, indent=1),
            "utf-8",
        )
        return paths


def cross_validate(
    texts: Sequence[str],
    embeddings: Any,
    languages: Sequence[str | None] | None,
    labels: Sequence[Any],
    taxonomy: str | Path | Taxonomy = "shl11",
    mode: str = "supervised",
    n_splits: int = 5,
    seed: int = 0,
    report_ids: Sequence[Any] | None = None,
    **params: Any,
) -> EvaluationResult:
    """Evaluate a suggester on labelled reports.

    ``mode="zero-shot"`` fits without labels on all reports and scores them all;
    ``mode="supervised"`` trains on ``n_splits - 1`` folds and predicts the held-out fold, so
    every report is scored by a model that never saw its label. ``params`` go to
    :class:`CategorySuggester`.

    Raises
    ------
    InputError
        If ``embeddings``, ``languages``, ``labels`` or ``report_ids`` do not have one entry
        per text, ``n_splits`` is less than 2, or fewer than 2 reports are labelled.
    """
    import pandas as pd
    from sklearn.model_selection import KFold

    check_settings(params, "cross_validate", own=("taxonomy", "mode", "seed"))
    X = check_evaluation_inputs("cross_validate", texts, embeddings, languages, labels, report_ids)
    if mode == "supervised":
        n_splits = check_n_splits(n_splits)
    tax = load_taxonomy(taxonomy)
    n = len(texts)
    gold = parse_labels(labels, tax)
    langs = list(languages) if languages is not None else [None] * n
    ids = list(report_ids) if report_ids is not None else list(range(n))
    labelled = [i for i in range(n) if gold[i]]
    if len(labelled) < 2:
        raise InputError(
            f"evaluation needs labelled reports; only {len(labelled)} of {n} have a label "
            "that names a category of the taxonomy"
        )
    keys = tax.keys
    P = np.zeros((n, len(keys)))
    pred: list[list[str]] = [[] for _ in range(n)]
    if mode == "zero-shot":
        s = CategorySuggester(tax, mode="zero-shot", seed=seed, **params)
        s.fit(texts, X, langs)
        P = s.predict_proba(texts, X, langs).to_numpy()
        pred = s.predict(texts, X, langs)
    elif mode == "supervised":
        k = min(n_splits, len(labelled))  # both at least 2, checked above
        folds = KFold(n_splits=k, shuffle=True, random_state=seed)
        lab = np.asarray(labelled)
        for tr, te in folds.split(lab):
            tr_i, te_i = lab[tr], lab[te]
            # the unlabelled reports stay in the fitting corpus (calibration uses no labels)
            fit_i = np.sort(np.concatenate([tr_i, np.setdiff1d(np.arange(n), lab)]))
            s = CategorySuggester(tax, mode="supervised", seed=seed, **params)
            s.fit(
                [texts[i] for i in fit_i],
                X[fit_i],
                [langs[i] for i in fit_i],
                labels=[gold[i] if i in set(tr_i) else None for i in fit_i],
                report_ids=[ids[i] for i in fit_i],
            )
            te_texts, te_langs = [texts[i] for i in te_i], [langs[i] for i in te_i]
            P[te_i] = s.predict_proba(te_texts, X[te_i], te_langs).to_numpy()
            for i, p in zip(te_i, s.predict(te_texts, X[te_i], te_langs), strict=False):
                pred[i] = p
    else:
        raise InputError(f"mode must be 'zero-shot' or 'supervised', got {mode!r}")
    g = [gold[i] for i in labelled]
    pr = [pred[i] for i in labelled]
    per, summary = multilabel_scores(g, pr, keys)
    scores = pd.DataFrame(P[labelled], columns=keys)
    summary.update(hit_rates(g, scores))
    summary["top3_suggested"] = round(
        float(np.mean([gg[0] in pp for gg, pp in zip(g, pr, strict=False)])), 3
    )
    summary["no_suggestion"] = round(float(np.mean([not pp for pp in pr])), 3)
    summary["n_labelled"] = len(labelled)
    conf = confusion_table([x[0] for x in g], [p[0] if p else None for p in pr], keys)
    from socanalysis.classify.categories import format_scores

    preds = pd.DataFrame(
        {
            "report_id": [ids[i] for i in labelled],
            "gold": [";".join(x) for x in g],
            "suggested": [";".join(p) for p in pr],
            "scores": [format_scores(P[i], keys) for i in labelled],
        }
    )
    return EvaluationResult(
        mode,
        per,
        summary,
        conf,
        preds,
        {
            "n_splits": n_splits,
            "seed": seed,
            **{k: v for k, v in params.items() if isinstance(v, (int, float, str))},
        },
    )


def learning_curve(
    texts: Sequence[str],
    embeddings: Any,
    languages: Sequence[str | None] | None,
    labels: Sequence[Any],
    taxonomy: str | Path | Taxonomy = "shl11",
    sizes: Sequence[int] = (10, 25, 50, 100),
    repeats: int = 3,
    seed: int = 0,
    **params: Any,
):
    """Supervised quality as a function of the number of labelled reports.

    For each size and repeat, ``size`` reports (random, seeded) keep their labels; the model is
    fitted on all reports (the others unlabelled) and scored on the reports whose label it did
    not see. Returns a DataFrame with ``n_labelled``, ``repeat``, ``micro_f1``, ``macro_f1``,
    ``top1``, ``top3`` and the zero-shot ``zero_shot_micro_f1`` / ``zero_shot_macro_f1`` on the
    same held-out reports.
    """
    import pandas as pd

    check_settings(params, "learning_curve", own=("taxonomy", "mode", "seed"))
    X = check_evaluation_inputs("learning_curve", texts, embeddings, languages, labels)
    tax = load_taxonomy(taxonomy)
    gold = parse_labels(labels, tax)
    langs = list(languages) if languages is not None else [None] * len(texts)
    labelled = np.array([i for i in range(len(texts)) if gold[i]])
    rng = np.random.default_rng(seed)
    # the zero-shot baseline, scored on exactly the same held-out reports
    zs = CategorySuggester(tax, mode="zero-shot", seed=seed, **params).fit(texts, X, langs)
    zs_pred = zs.predict(texts, X, langs)
    rows = []
    for rep in range(repeats):
        perm = rng.permutation(labelled)
        for size in sizes:
            if size >= len(labelled):
                continue
            train = set(perm[:size].tolist())
            test = perm[size:]
            s = CategorySuggester(tax, mode="supervised", seed=seed, **params)
            s.fit(
                texts, X, langs, labels=[gold[i] if i in train else None for i in range(len(texts))]
            )
            te_t, te_l = [texts[i] for i in test], [langs[i] for i in test]
            pred = s.predict(te_t, X[test], te_l)
            g = [gold[i] for i in test]
            _, summ = multilabel_scores(g, pred, tax.keys)
            hr = hit_rates(g, s.predict_proba(te_t, X[test], te_l))
            _, zsum = multilabel_scores(g, [zs_pred[i] for i in test], tax.keys)
            rows.append(
                {
                    "n_labelled": size,
                    "repeat": rep,
                    "micro_f1": summ["micro_f1"],
                    "macro_f1": summ["macro_f1"],
                    **hr,
                    "zero_shot_micro_f1": zsum["micro_f1"],
                    "zero_shot_macro_f1": zsum["macro_f1"],
                }
            )
    return pd.DataFrame(rows)
