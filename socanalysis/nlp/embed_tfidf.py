"""TF-IDF plus truncated SVD (latent semantic analysis) as a fallback :class:`Embedder`.

It needs no model at all, but each language has its own words, so Finnish and Swedish reports
about the same phenomenon end up far apart: fitting warns with
:class:`~socanalysis.nlp.embeddings.MonolingualEmbeddingWarning`. Vectors depend on the whole
corpus, so they are never cached.

The first :meth:`~TfidfLsaEmbedder.encode` call fits on its texts (unless :meth:`fit` was
called); later calls project new texts into that same space, so a fitted theme model can place
new reports. Texts with no known term get a reserved last coordinate, so every row has unit norm.

Examples
--------
>>> import warnings
>>> emb = TfidfLsaEmbedder(n_components=4)
>>> with warnings.catch_warnings():
...     warnings.simplefilter("ignore")
...     X = emb.encode(["lapsi koulu", "lapsi perhe", "barn skola", "barn familj"])
>>> X.shape
(4, 4)
>>> emb.encode(["zzz"])[0].tolist()
[0.0, 0.0, 0.0, 1.0]
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

import numpy as np

from socanalysis.errors import ConfigError
from socanalysis.nlp.embed_cache import EmbeddingCache
from socanalysis.nlp.embeddings import Embedder, MonolingualEmbeddingWarning, _as_text_list


class TfidfLsaEmbedder(Embedder):
    """Sublinear TF-IDF and TruncatedSVD, seeded, fitted on the reports themselves.

    Parameters
    ----------
    analyzer : callable, optional
        ``text -> list of terms`` (e.g. the lemmatising fi/sv analyzer); ``None`` uses
        scikit-learn's word analyzer (lowercased word tokens).
    n_components : int
        Output dimension. At most ``n_components - 1`` SVD components are used (fewer for a
        small vocabulary or corpus; the rest stay zero); the last coordinate marks texts with
        no known term.
    min_df : int
        Ignore terms in fewer reports than this.
    random_state : int
        Seed for the randomized SVD.
    cache, batch_size, num_threads
        As for :class:`Embedder`; the cache is never used.

    Attributes
    ----------
    vectorizer_ : sklearn.feature_extraction.text.TfidfVectorizer
    svd_ : sklearn.decomposition.TruncatedSVD or None
        ``None`` when the corpus is too small for SVD (one text or one term).
    """

    backend: ClassVar[str] = "tfidf-lsa"
    cacheable: ClassVar[bool] = False
    default_batch_size: ClassVar[int] = 4096

    def __init__(
        self,
        *,
        analyzer: Callable[[str], list[str]] | None = None,
        n_components: int = 256,
        min_df: int = 1,
        random_state: int = 0,
        cache: EmbeddingCache | None = None,
        batch_size: int | None = None,
        num_threads: int | None = None,
    ) -> None:
        super().__init__(cache=None, batch_size=batch_size, num_threads=num_threads)
        if analyzer is not None and not callable(analyzer):
            raise ConfigError(f"analyzer must be a callable text -> terms, got {analyzer!r}")
        if not isinstance(n_components, int) or n_components < 2:
            raise ConfigError(f"n_components must be an integer >= 2, got {n_components!r}")
        if not isinstance(min_df, int) or min_df < 1:
            raise ConfigError(f"min_df must be a positive integer, got {min_df!r}")
        self.analyzer = analyzer
        self.n_components = n_components
        self.min_df = min_df
        self.random_state = random_state

    @property
    def name(self) -> str:
        return "tfidf-lsa"

    @property
    def model_id(self) -> str:
        analyzer = (
            "word"
            if self.analyzer is None
            else getattr(self.analyzer, "__qualname__", type(self.analyzer).__name__)
        )
        return f"tfidf-lsa(n_components={self.n_components},analyzer={analyzer})"

    @property
    def version(self) -> str:
        import sklearn

        return sklearn.__version__

    @property
    def dim(self) -> int:
        return self.n_components

    @property
    def is_loaded(self) -> bool:
        return hasattr(self, "vectorizer_")

    def info(self) -> dict[str, Any]:
        return {
            **super().info(),
            "fitted_on": getattr(self, "n_fitted_", 0),
            "svd_components": 0 if getattr(self, "svd_", None) is None else self.svd_.n_components,
            "cross_lingual": False,
        }

    def fit(self, texts: Iterable[str]) -> TfidfLsaEmbedder:
        """Fit TF-IDF and SVD on ``texts``; warns that languages will not share a space."""
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer

        items = _as_text_list(texts)
        warnings.warn(
            "embedder 'tfidf-lsa' compares words, not meanings: Finnish and Swedish reports about "
            "the same phenomenon will not meet in one theme. Use 'e5-small-bundled' (the default) "
            "or a multilingual sentence-transformers model for bilingual data.",
            MonolingualEmbeddingWarning,
            stacklevel=2,
        )
        vectorizer = TfidfVectorizer(
            analyzer=self.analyzer if self.analyzer is not None else "word",
            sublinear_tf=True,
            min_df=self.min_df,
            dtype=np.float64,
        )
        try:
            tfidf = vectorizer.fit_transform(items)
        except ValueError:  # empty vocabulary: no text has a term
            tfidf = None
        self.vectorizer_ = vectorizer if tfidf is not None else None
        self.n_fitted_ = len(items)
        self.svd_ = None
        if tfidf is not None:
            k = min(self.n_components - 1, tfidf.shape[1] - 1, tfidf.shape[0])
            if k >= 1:
                svd = TruncatedSVD(
                    n_components=k, algorithm="randomized", n_iter=7, random_state=self.random_state
                )
                # identical texts have zero variance; sklearn's variance ratio then divides 0/0
                with np.errstate(invalid="ignore", divide="ignore"):
                    self.svd_ = svd.fit(tfidf)
        return self

    def _encode_list(
        self, items: list[str], kind: str, batch_size: int, show_progress: bool
    ) -> np.ndarray:
        if not self.is_loaded:
            self.fit(items)
        return super()._encode_list(items, kind, batch_size, show_progress)

    def _encode_batch(self, texts: list[str], kind: str) -> np.ndarray:
        out = np.zeros((len(texts), self.n_components), dtype=np.float64)
        if self.vectorizer_ is not None:
            tfidf = self.vectorizer_.transform(texts)
            if self.svd_ is not None:
                out[:, : self.svd_.n_components] = self.svd_.transform(tfidf)
            else:  # one text or one term: all texts with a known term point the same way
                out[:, 0] = np.asarray(tfidf.sum(axis=1)).ravel()
        norms = np.linalg.norm(out, axis=1)
        known = norms > 1e-12
        out[known] /= norms[known, None]
        out[~known, -1] = 1.0
        return out.astype(np.float32)
