"""Language identification for short, unedited Finnish and Swedish reports.

Every text gets one of ``fi``, ``sv``, ``other`` (with the ISO 639-1 code of what it is),
``mixed`` (substantial Finnish and Swedish, with the share of each) or ``unknown`` (no language
in it: numbers, a URL, punctuation, nothing).

How it decides, cheapest evidence first:

1. word cues from ``data/language_cues.yaml`` and simplemma's dictionaries, looked up as typed
   and with ä/ö/å typed as a/o (see :mod:`socanalysis.nlp.language_features`);
2. when a small linear model on those cues is not sure enough, lingua's confidence values over
   nearby languages (fi sv et nb nn da en) are added and a second model decides;
3. for ``other`` texts that lingua's nearby languages do not explain (say French or Somali),
   langdetect (seeded) names the language.

The models are one multinomial logistic regression per text-length bucket, plus a table of
word counts per class, fitted on SIB-200 train/dev, UD dev and half of Tatoeba
(``data/language_weights.json``; refit with ``python -m socanalysis.nlp.language_training``).
A text is ``mixed`` when its sentences, taken one by one, give both Finnish and Swedish enough
words.

Examples
--------
>>> df = detect_languages(["Asiakas ei saanut tukea ajoissa.", "Klienten fick inget stöd.",
...                        "1234", "Asiakas tarvitsee apua. Klienten behöver hjälp med boendet."])
>>> df["language"].tolist()
['fi', 'sv', 'unknown', 'mixed']
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Iterable, Sequence
from importlib import resources
from typing import Any

from socanalysis.errors import ConfigError, InputError
from socanalysis.nlp.language_features import (
    LINGUA_LANGUAGES,
    CueFeaturizer,
    LinguaFeaturizer,
    WordCountFeaturizer,
    count_words,
)
from socanalysis.nlp.language_lexicon import strip_noise, tokenize
from socanalysis.nlp.normalize import sentence_spans

COLUMNS = ["language", "confidence", "other_language", "share_fi", "share_sv"]
SENTENCE_COLUMNS = ["sentence", "start", "end", "language", "confidence"]
CLASSES = ("fi", "sv", "other")
_DANOR = frozenset({"nb", "nn", "da"})
_LANGDETECT_NORWEGIAN = frozenset({"no"})  # langdetect's code for Norwegian of either kind
_BUCKETS = ((1, 1), (2, 2), (3, 4), (5, 9), (10, 10**9))
# per-class recall (fi, sv, other) the fitted offsets aim at, per bucket, when fit() is not
# given fixed offsets: the figures for 1 and 2 words, with 2 points more for
# confounders; longer texts are rarely ambiguous, so they keep the balanced fit (None). The
# packaged weights use fixed offsets for 1 and 2 words instead, chosen on out-of-fold scores
# of the tuning text (language_training.OFFSETS), which transfer better.
_DEFAULT_TARGETS = (
    (0.88, 0.80, 0.82),
    (0.97, 0.92, 0.92),
    None,
    None,
    None,
)

# letters outside the Latin blocks (Basic Latin to Latin Extended Additional)
_NONLATIN_RE = re.compile(r"[^\W\d_\u0000-\u024f\u1e00-\u1eff]")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) character spans of the sentences of ``text``.

    The project's one sentence splitter, :func:`socanalysis.nlp.normalize.sentence_spans`
    (line breaks and bullet lists, abbreviations of both languages, dates and numbers), so a
    report is cut the same way for language tags and for lemmas.

    Examples
    --------
    >>> t = "Asiakas odottaa. Klienten väntar.\\n- ja sitten"
    >>> [t[a:b] for a, b in split_sentences(t)]
    ['Asiakas odottaa.', 'Klienten väntar.', 'ja sitten']
    """
    return sentence_spans(text)


def _bucket(n_words: int) -> int:
    for i, (lo, hi) in enumerate(_BUCKETS):
        if lo <= n_words <= hi:
            return i
    return len(_BUCKETS) - 1


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    if isinstance(value, str):
        return value
    try:
        import pandas as pd

        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


def _load_default_weights() -> dict[str, Any]:
    import json

    # JSON, not YAML: a fitted artefact nobody edits by hand, and parsing it is 30 times faster,
    # which counts towards the cold-load budget
    text = (
        resources.files("socanalysis.nlp")
        .joinpath("data/language_weights.json")
        .read_text(encoding="utf-8")
    )
    return json.loads(text)


def _read_weights(path: str) -> dict[str, Any]:
    """Weights from a JSON file (as written by the training command) or a YAML file."""
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    if path.endswith(".json"):
        import json

        return json.loads(text)
    from socanalysis._yaml import safe_load_yaml

    return safe_load_yaml(text)


def _within(value: Any, low: float, high: float) -> bool:
    """Whether ``value`` is a number (not a bool, not NaN) from ``low`` to ``high``."""
    from numbers import Real

    return (
        isinstance(value, Real)
        and not isinstance(value, bool)
        and not math.isnan(value)
        and low <= value <= high
    )


def _softmax(z: Any) -> Any:
    import numpy as np

    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


class LanguageDetector:
    """Finnish / Swedish / other / mixed / unknown for each text.

    Parameters
    ----------
    lingua_languages : sequence of str
        Languages lingua weighs when the cues are not decisive; must include ``fi`` and ``sv``.
        The packaged weights were fitted with the default; others need :meth:`fit`.
    lingua_high_accuracy_below : int
        Segments with fewer words use lingua's high-accuracy mode (all n-gram orders; its 4-
        and 5-gram models take about 1.5 s of CPU to load), longer ones its low-accuracy mode
        (trigrams, 0.06 s). The default 0 never loads the former, which keeps the cold load
        under a second; the packaged weights were fitted for it, so another value needs
        :meth:`fit` (``python -m socanalysis.nlp.language_training --high-accuracy-below 10``).
    cheap_threshold : float or None
        Probability above which the cue-only model decides without lingua; ``None`` uses the
        per-length thresholds fitted with the weights (chosen so that skipping lingua loses no
        accuracy on tuning text). ``1.0`` always consults lingua.
    mixed_min_words : int
        Words each language needs (in confidently tagged sentences) for a text to be ``mixed``.
    mixed_min_share : float
        Share of those words the smaller language needs for ``mixed``.
    sentence_min_confidence : float
        Sentences tagged with less confidence do not count towards ``mixed``.
    min_letters : int
        Texts with fewer letters (after URLs and e-mail addresses are removed) are ``unknown``.
    seed : int
        Seed for langdetect (used only to name other languages) and for :meth:`fit`.
    weights : dict, str or None
        Fitted weights (a dict or a YAML path); ``None`` uses the packaged ones.
    cues_path, cache_dir : str or None
        Cue file and dictionary cache folder (see :class:`CueFeaturizer`).

    Examples
    --------
    >>> det = LanguageDetector()
    >>> out = det.detect(["Asiakkaan toimeentulotuki viivästyi", "hon fick inte hjälp"])
    >>> out["language"].tolist()
    ['fi', 'sv']
    """

    def __init__(
        self,
        *,
        lingua_languages: Sequence[str] = LINGUA_LANGUAGES,
        lingua_high_accuracy_below: int = 0,
        cheap_threshold: float | None = None,
        mixed_min_words: int = 2,
        mixed_min_share: float = 0.15,
        sentence_min_confidence: float = 0.75,
        min_letters: int = 1,
        seed: int = 0,
        weights: dict[str, Any] | str | None = None,
        cues_path: str | None = None,
        cache_dir: str | None = None,
    ) -> None:
        # stored as given (scikit-learn convention): checked by fit, detect and warm
        self.lingua_languages = lingua_languages
        self.lingua_high_accuracy_below = lingua_high_accuracy_below
        self.cheap_threshold = cheap_threshold
        self.mixed_min_words = mixed_min_words
        self.mixed_min_share = mixed_min_share
        self.sentence_min_confidence = sentence_min_confidence
        self.min_letters = min_letters
        self.seed = seed
        self.weights = weights
        self.cues_path = cues_path
        self.cache_dir = cache_dir
        self._lock = threading.Lock()
        self._cues: CueFeaturizer | None = None
        self._lingua: LinguaFeaturizer | None = None
        self._broad: Any = None
        self._counts: WordCountFeaturizer | None = None
        self._freqs: Any = None
        self.weights_: dict[str, Any] | None = None
        self._models: list[dict[str, Any]] | None = None

    # ------------------------------------------------------------------ parameters
    def __repr__(self) -> str:
        from socanalysis.params import estimator_repr

        return estimator_repr(self)

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The constructor's parameters (scikit-learn convention, so that ``clone`` works).

        Examples
        --------
        >>> LanguageDetector(mixed_min_share=0.2).get_params()["mixed_min_share"]
        0.2
        """
        import inspect

        names = [p for p in inspect.signature(type(self).__init__).parameters if p != "self"]
        return {name: getattr(self, name) for name in names}

    def set_params(self, **params: Any) -> LanguageDetector:
        """Set constructor parameters (scikit-learn convention); checked when next used.

        An unknown name raises ``ConfigError`` and changes nothing. Dictionaries, lingua and
        weights loaded for the old values are loaded again on next use; weights learned by
        :meth:`fit` are kept unless ``weights`` is set.
        """
        from socanalysis.params import set_known_params

        # under the lock: a detect() running on another thread never pairs the new
        # parameters with helpers built for the old ones
        with self._lock:
            set_known_params(self, params)
            self._cues = self._lingua = self._broad = None
            self._counts = self._freqs = None
            self._models = None
            if "weights" in params:
                self.weights_ = None
        return self

    # ------------------------------------------------------------------ set-up
    def _validate(self) -> None:
        """The parameters checked where they are used (the constructor only stores them)."""
        langs = self.lingua_languages
        if (
            isinstance(langs, str)
            or not isinstance(langs, Sequence)
            or not all(isinstance(c, str) for c in langs)
        ):
            raise ConfigError(
                f"lingua_languages={langs!r} must be a list of ISO 639-1 codes, "
                "e.g. ('fi', 'sv', 'en')"
            )
        if not {"fi", "sv"} <= set(langs):
            raise ConfigError(f"lingua_languages={langs!r} must include 'fi' and 'sv'")
        if self.cheap_threshold is not None and not _within(self.cheap_threshold, 0.0, 1.0):
            raise ConfigError(f"cheap_threshold={self.cheap_threshold!r} must be in [0, 1]")
        if not _within(self.mixed_min_share, 0.0, 0.5):
            raise ConfigError(f"mixed_min_share={self.mixed_min_share!r} must be in [0, 0.5]")
        if not _within(self.mixed_min_words, 1, math.inf):
            raise ConfigError(f"mixed_min_words={self.mixed_min_words!r} must be at least 1")
        if not _within(self.sentence_min_confidence, 0.0, 1.0):
            raise ConfigError(
                f"sentence_min_confidence={self.sentence_min_confidence!r} must be in [0, 1]"
            )

    def _group_lingua(self, L: Any) -> Any:
        """lingua's votes with Bokmål, Nynorsk and Danish summed into one column.

        lingua splits its vote among the three, and the tuning text has no Nynorsk, so one
        weight per language would leave Nynorsk unlearned; their sum transfers.
        """
        import numpy as np

        langs = self.lingua_languages
        danor = [j for j, c in enumerate(langs) if c in _DANOR]
        rest = [j for j, c in enumerate(langs) if c not in _DANOR]
        cols = [L[:, rest]]
        if danor:
            cols.append(L[:, danor].sum(axis=1, keepdims=True))
        return np.concatenate(cols, axis=1)

    def _featurizers(self) -> tuple[CueFeaturizer, LinguaFeaturizer]:
        if self._cues is None or self._lingua is None:
            with self._lock:
                if self._cues is None:
                    self._cues = CueFeaturizer(self.cues_path, self.cache_dir)
                if self._lingua is None:
                    self._lingua = LinguaFeaturizer(
                        self.lingua_languages, long_from=self.lingua_high_accuracy_below
                    )
        return self._cues, self._lingua

    def _ensure_models(self) -> list[dict[str, Any]]:
        if self._models is not None:
            return self._models
        import numpy as np

        weights = self.weights_ if self.weights_ is not None else self.weights
        if weights is None:
            weights = _load_default_weights()
        elif isinstance(weights, str):
            weights = _read_weights(weights)
        cues, lingua = self._featurizers()
        if list(weights.get("cue_features", [])) != cues.feature_names_:
            raise ConfigError(
                "the language weights were fitted with other cue features than the cue file "
                "gives; refit them with `python -m socanalysis.nlp.language_training`"
            )
        if list(weights.get("lingua_languages", [])) != list(self.lingua_languages):
            raise ConfigError(
                f"the language weights were fitted for lingua languages "
                f"{weights.get('lingua_languages')}, not {list(self.lingua_languages)}; "
                "call fit() or keep the default lingua_languages"
            )
        if "word_counts" not in weights:
            raise ConfigError(
                "the language weights have no word counts (they predate them); refit them "
                "with `python -m socanalysis.nlp.language_training`"
            )
        fitted_below = weights.get("lingua_high_accuracy_below", 0)
        if fitted_below != self.lingua_high_accuracy_below:
            raise ConfigError(
                f"the language weights were fitted with lingua_high_accuracy_below="
                f"{fitted_below}, not {self.lingua_high_accuracy_below}; call fit() or keep it"
            )
        models = []
        for b in weights["buckets"]:
            models.append(
                {
                    "cheap_W": np.asarray(b["cheap"]["coef"], dtype=np.float64),
                    "cheap_b": np.asarray(b["cheap"]["intercept"], dtype=np.float64),
                    "full_W": np.asarray(b["full"]["coef"], dtype=np.float64),
                    "full_b": np.asarray(b["full"]["intercept"], dtype=np.float64),
                    "threshold": float(b["cheap_threshold"]),
                }
            )
        self._counts = WordCountFeaturizer(
            weights["word_counts"],
            alpha=float(weights.get("word_count_alpha", 0.5)),
            classes=weights.get("word_count_classes", CLASSES),
            features=weights.get("word_count_features", ("share",)),
        )
        self._freqs = None
        if "word_freq" in weights:
            from socanalysis.nlp.language_wordfreq import WordFreqFeaturizer

            self._freqs = WordFreqFeaturizer(
                weights["word_freq"], features=weights.get("word_freq_features", ("zipf", "share"))
            )
        self.weights_ = weights
        self._models = models
        return models

    def _features(self, tokens: Sequence[list[str]]) -> Any:
        """Cue features followed by word-count features, one row per segment."""
        import numpy as np

        self._ensure_models()
        cues, _ = self._featurizers()
        assert self._counts is not None
        parts = [cues.transform(tokens), self._counts.transform(tokens)]
        if self._freqs is not None:
            parts.append(self._freqs.transform(tokens))
        return np.concatenate(parts, axis=1).astype(np.float64)

    def warm(self) -> LanguageDetector:
        """Load dictionaries, weights and the low-accuracy lingua model now, not on first use."""
        self._validate()
        cues, lingua = self._featurizers()
        self._ensure_models()
        cues.warm()
        lingua._detector(True)
        return self

    # ------------------------------------------------------------------ scoring
    def _segment_inputs(self, texts: Sequence[str]) -> tuple[list[str], list[list[str]]]:
        cleaned = [strip_noise(t) for t in texts]
        return cleaned, [tokenize(c) for c in cleaned]

    def _proba(
        self, cleaned: Sequence[str], tokens: Sequence[list[str]]
    ) -> tuple[Any, Any, Any, Any]:
        """Class probabilities (n x 3), cue features, lingua features (zeros where not run) and
        whether lingua ran, per text."""
        import numpy as np

        models = self._ensure_models()
        _, lingua = self._featurizers()
        n = len(cleaned)
        X = self._features(tokens)
        n_words = [len(t) for t in tokens]
        buckets = np.array([_bucket(k) for k in n_words], dtype=int)
        proba = np.zeros((n, len(CLASSES)))
        need = np.zeros(n, dtype=bool)
        for b, m in enumerate(models):
            idx = np.flatnonzero(buckets == b)
            if len(idx) == 0:
                continue
            p = _softmax(X[idx] @ m["cheap_W"].T + m["cheap_b"])
            proba[idx] = p
            thr = m["threshold"] if self.cheap_threshold is None else self.cheap_threshold
            need[idx] = p.max(axis=1) < thr
        L = np.zeros((n, len(self.lingua_languages)))
        idx_need = np.flatnonzero(need)
        if len(idx_need):
            L[idx_need] = lingua.transform(
                [cleaned[i] for i in idx_need], [n_words[i] for i in idx_need]
            )
            for b, m in enumerate(models):
                sub = idx_need[buckets[idx_need] == b]
                if len(sub) == 0:
                    continue
                Z = np.concatenate([X[sub], self._group_lingua(L[sub])], axis=1)
                proba[sub] = _softmax(Z @ m["full_W"].T + m["full_b"])
        return proba, X, L, need

    def _other_codes(
        self, cleaned: Sequence[str], tokens: Sequence[list[str]], X: Any, L: Any, ran: Any
    ) -> list[str]:
        """ISO 639-1 code for texts decided ``other``.

        Clear word evidence (dictionary coverage and function words of one nearby language)
        names it without a model. Otherwise a fast lingua detector over many languages
        (``name_languages`` in the cue file; langdetect when that one is unsure) says whether
        the text is one of the nearby ones; if so the nearby lingua model (better among
        Danish, Bokmål and Nynorsk) picks which, else the broad answer stands. The nearby model
        alone cannot tell: its votes always sum to one, French included.
        """
        import numpy as np

        cues, lingua = self._featurizers()
        names = cues.feature_names_
        cands = [c for c in cues.dict_langs_ if c not in ("fi", "sv")]
        dict_cov = np.stack([X[:, names.index(f"dict_{c}")] for c in cands], axis=1)
        fw = np.stack(
            [
                X[:, names.index(f"fw_{c}")] if f"fw_{c}" in names else np.zeros(len(X))
                for c in cands
            ],
            axis=1,
        )
        score = dict_cov + 2 * fw
        unknown_col = names.index("unknown_word")
        nearby = set(self.lingua_languages) | _LANGDETECT_NORWEGIAN
        others = [j for j, c in enumerate(self.lingua_languages) if c not in ("fi", "sv")]
        codes: list[str] = []
        for i, text in enumerate(cleaned):
            best = int(np.argmax(score[i]))
            lead = score[i, best] - np.sort(score[i])[-2]
            if dict_cov[i, best] >= 0.5 and fw[i, best] >= 0.1 and lead >= 0.15:
                codes.append(cands[best])
                continue
            if X[i, unknown_col] <= 0.1:
                # nearly every word is in a nearby dictionary: no need for the broad model
                guess, sure = cands[best], True
            else:
                guess, sure = self._broad_guess(text)
            if not sure and guess not in nearby:
                # lingua is unsure among many languages: langdetect's 55 profiles decide
                guess = self._langdetect_code(text) or guess
            if guess in nearby and others:
                row = L[i] if ran[i] else lingua.transform([text], [len(tokens[i])])[0]
                codes.append(self.lingua_languages[others[int(np.argmax(row[others]))]])
            else:
                codes.append(guess)
        return codes

    def _broad_guess(self, text: str) -> tuple[str, bool]:
        """(ISO code, sure) from lingua's low-accuracy mode over ``name_languages``."""
        det = self._broad
        if det is None:
            from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

            from socanalysis.nlp.language_features import load_cues

            codes = load_cues(self.cues_path).get("name_languages", [])
            langs = []
            for code in codes:
                iso = getattr(IsoCode639_1, str(code).upper(), None)
                if iso is None:
                    raise ConfigError(f"name_languages: lingua does not know {code!r}")
                langs.append(Language.from_iso_code_639_1(iso))
            det = self._broad = (
                LanguageDetectorBuilder.from_languages(*langs).with_low_accuracy_mode().build()
            )
        values = det.compute_language_confidence_values(text)
        if not values:
            return "", False
        top = values[0]
        return top.language.iso_code_639_1.name.lower(), top.value >= 0.5

    def _langdetect_code(self, text: str) -> str:
        from langdetect import DetectorFactory, detect_langs
        from langdetect.lang_detect_exception import LangDetectException

        DetectorFactory.seed = self.seed
        try:
            best = detect_langs(text)[0].lang
        except LangDetectException:
            return ""
        return best.split("-")[0]

    # ------------------------------------------------------------------ public
    @staticmethod
    def _fit_bias(logits: Any, y: Any, target: Sequence[float], weight: Any = None) -> Any:
        """Class offsets that maximise the smallest margin of per-class recall over its target.

        Short texts are ambiguous (Swedish "det", "har", "på" are Danish and Norwegian too), so
        the split of doubtful cases between fi, sv and other is a choice; this makes it towards
        the recall each class is asked to reach rather than towards the training mix. Recall is
        weighted by ``weight`` (one per text) when given.
        """
        import numpy as np

        w = np.ones(len(y)) if weight is None else np.asarray(weight, dtype=np.float64)
        grid = np.arange(-3.0, 3.01, 0.125)
        masks = [y == c for c in CLASSES]
        best, best_score = np.zeros(len(CLASSES)), -np.inf
        for d_fi in grid:
            for d_sv in grid:
                bias = np.array([d_fi, d_sv, 0.0])
                hit = (logits + bias).argmax(axis=1)
                margin = min(
                    (w[m] * (hit[m] == k)).sum() / w[m].sum() - t
                    for k, (m, t) in enumerate(zip(masks, target, strict=False))
                )
                # ties: the smallest shift wins, for stability
                score = margin - 1e-4 * np.abs(bias).sum()
                if score > best_score:
                    best, best_score = bias, score
        return best

    def fit(
        self,
        texts: Iterable[Any],
        labels: Iterable[str],
        *,
        C: float = 1.0,
        targets: Sequence[Sequence[float] | None] | None = None,
        sample_weight: Sequence[float] | None = None,
        groups: Sequence[Any] | None = None,
        n_folds: int = 5,
        min_groups: int = 1,
        word_count_alpha: float = 0.5,
        offsets: Sequence[Sequence[float] | None] | None = None,
        count_labels: Sequence[str] | None = None,
        count_classes: Sequence[str] | None = None,
        word_count_features: Sequence[str] = ("share",),
        word_freq: dict[str, Any] | None = None,
        word_freq_features: Sequence[str] = ("zipf", "share"),
    ) -> LanguageDetector:
        """Learn the word counts and per-length models from texts labelled fi, sv or other.

        Words are counted per class over all the texts (weighted by ``sample_weight``; words
        seen in fewer than ``min_groups`` groups are dropped) and shipped with the weights. The
        regressions must not learn from counts that include the very text they score, or they
        would trust the counts far more than unseen text deserves: so each text's word-count
        features come from the other ``n_folds - 1`` folds of ``groups`` (cross-fitting; a
        group is a source sentence with the snippets cut from it, so no snippet sees its own
        sentence's counts). ``groups=None`` makes every text its own group.

        Per length bucket (1, 2, 3-4, 5-9, 10+ words) this then fits a cue-only and a
        cue+lingua logistic regression, shifts class offsets towards the per-class recall
        ``targets`` (fi, sv, other; defaults to the project's figures), and picks the lowest
        cue-model confidence at which skipping lingua changes no decision on these texts.
        ``sample_weight`` weighs texts in the regressions and in the recall the offsets aim at.
        ``offsets`` gives, per bucket, fixed class offsets (fi, sv, other) to use instead of
        fitting them to ``targets`` (``None`` for a bucket fits them); offsets chosen on
        out-of-fold scores of the tuning text (:func:`language_training.cross_validate`)
        transfer better than offsets fitted to the fit's own texts.
        ``count_labels`` (one per text, from ``count_classes``) counts words per finer class
        than the label, e.g. each confounder language on its own; ``None`` counts per label.
        ``word_count_features`` says in which forms the counts reach the model (shares,
        pairwise shares, centred logs, per-class "seen" flags: see
        :class:`~socanalysis.nlp.language_features.WordCountFeaturizer`).
        ``word_freq`` is a word-frequency table from
        :func:`socanalysis.nlp.language_wordfreq.build_word_freq_table` (built from wordfreq at
        training time); its ``word_freq_features`` are added to every text's features and the
        table is stored with the weights, so detecting never needs wordfreq.
        """
        import numpy as np

        self._validate()
        texts = [_as_text(t) for t in texts]
        y = np.asarray(list(labels))
        if len(y) != len(texts):
            raise InputError(f"fit got {len(texts)} texts but {len(y)} labels")
        sw = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, dtype=float)
        if sw.shape != y.shape or not np.all(sw >= 0):
            raise InputError("sample_weight needs one non-negative number per text")
        bad = sorted(set(y.tolist()) - set(CLASSES))
        if bad:
            raise InputError(f"labels must be one of {CLASSES}, got {bad[:5]}")
        if groups is not None and len(groups) != len(texts):
            raise InputError(f"fit got {len(texts)} texts but {len(groups)} groups")
        if n_folds < 2:
            raise ConfigError(f"n_folds={n_folds!r} must be at least 2")
        if targets is None:
            targets = _DEFAULT_TARGETS
        if len(targets) != len(_BUCKETS):
            raise ConfigError(f"targets needs one (fi, sv, other) triple per bucket {_BUCKETS}")
        if offsets is None:
            offsets = [None] * len(_BUCKETS)
        if len(offsets) != len(_BUCKETS) or any(
            o is not None and len(o) != len(CLASSES) for o in offsets
        ):
            raise ConfigError(
                f"offsets needs one (fi, sv, other) triple or None per bucket {_BUCKETS}"
            )
        if count_classes is None:
            count_classes = CLASSES
        count_classes = tuple(count_classes)
        clabels = y.tolist() if count_labels is None else list(count_labels)
        if len(clabels) != len(texts):
            raise InputError(f"fit got {len(texts)} texts but {len(clabels)} count_labels")
        bad = sorted(set(clabels) - set(count_classes))
        if bad:
            raise InputError(f"count_labels must be one of {count_classes}, got {bad[:5]}")
        cues, lingua = self._featurizers()
        cleaned, tokens = self._segment_inputs(texts)
        n_words = np.array([len(t) for t in tokens])
        group_ids = (
            np.arange(len(texts))
            if groups is None
            else np.unique(np.asarray([str(g) for g in groups]), return_inverse=True)[1]
        )
        # folds of whole groups, seeded: a permutation of the group numbers cut in n_folds
        perm = np.random.default_rng(self.seed).permutation(group_ids.max() + 1 if len(y) else 0)
        fold_of = (perm % n_folds)[group_ids]
        swlist = sw.tolist()
        word_count_features = tuple(word_count_features)
        wc_cols = len(
            WordCountFeaturizer(classes=count_classes, features=word_count_features).feature_names_
        )
        W = np.zeros((len(texts), wc_cols))
        for f in range(n_folds):
            inside = np.flatnonzero(fold_of == f)
            if not len(inside):
                continue
            rest = np.flatnonzero(fold_of != f)
            counts = count_words(
                [tokens[i] for i in rest],
                [clabels[i] for i in rest],
                weights=[swlist[i] for i in rest],
                groups=group_ids[rest].tolist(),
                min_groups=min_groups,
                classes=count_classes,
            )
            W[inside] = WordCountFeaturizer(
                counts, alpha=word_count_alpha, classes=count_classes, features=word_count_features
            ).transform([tokens[i] for i in inside])
        parts = [cues.transform(tokens).astype(np.float64), W]
        if word_freq is not None:
            from socanalysis.nlp.language_wordfreq import WordFreqFeaturizer

            wf = WordFreqFeaturizer(word_freq, features=word_freq_features)
            parts.append(wf.transform(tokens).astype(np.float64))
        X = np.concatenate(parts, axis=1)
        L = lingua.transform(cleaned, n_words.tolist()).astype(np.float64)
        out_buckets = self._fit_buckets(X, L, y, n_words, sw, targets, offsets, C)
        self.weights_ = {
            "version": 2,
            "classes": list(CLASSES),
            "cue_features": cues.feature_names_,
            "lingua_languages": list(self.lingua_languages),
            "lingua_high_accuracy_below": self.lingua_high_accuracy_below,
            "buckets": out_buckets,
            "word_count_alpha": word_count_alpha,
            "word_count_min_groups": min_groups,
            "word_counts": count_words(
                tokens,
                clabels,
                weights=swlist,
                groups=group_ids.tolist(),
                min_groups=min_groups,
                classes=count_classes,
            ),
        }
        if count_classes != CLASSES:
            # only when not the default, so weights counted per label keep their old layout
            self.weights_["word_count_classes"] = list(count_classes)
        if word_count_features != ("share",):
            self.weights_["word_count_features"] = list(word_count_features)
        if word_freq is not None:
            # likewise only when used: weights without it keep their old layout byte for byte
            self.weights_["word_freq_features"] = list(word_freq_features)
            self.weights_["word_freq"] = dict(word_freq)
        self._models = None
        self._ensure_models()
        return self

    def _fit_buckets(
        self,
        X: Any,
        L: Any,
        y: Any,
        n_words: Any,
        sw: Any,
        targets: Sequence[Sequence[float] | None],
        offsets: Sequence[Sequence[float] | None],
        C: float,
    ) -> list[dict[str, Any]]:
        """The per-length models (see :meth:`fit`) from feature matrices."""
        import numpy as np
        from sklearn.linear_model import LogisticRegression

        keep = n_words > 0
        buckets = np.array([_bucket(k) for k in n_words])
        out_buckets = []
        for b, (lo, hi) in enumerate(_BUCKETS):
            idx = np.flatnonzero((buckets == b) & keep)
            if len(np.unique(y[idx])) < len(CLASSES):
                raise InputError(
                    f"fit needs texts of all classes {CLASSES} with {lo} to {hi} words"
                )
            cheap = LogisticRegression(C=C, class_weight="balanced", max_iter=2000)
            cheap.fit(X[idx], y[idx], sample_weight=sw[idx])
            Z = np.concatenate([X[idx], self._group_lingua(L[idx])], axis=1)
            full = LogisticRegression(C=C, class_weight="balanced", max_iter=2000)
            full.fit(Z, y[idx], sample_weight=sw[idx])
            order = [list(cheap.classes_).index(c) for c in CLASSES]
            if offsets[b] is not None:
                bias = np.asarray(offsets[b], dtype=np.float64)
            elif targets[b] is None:
                bias = np.zeros(len(CLASSES))
            else:
                bias = self._fit_bias(
                    full.decision_function(Z)[:, order], y[idx], targets[b], sw[idx]
                )
            z_cheap = cheap.decision_function(X[idx])[:, order] + bias
            p_cheap = _softmax(z_cheap)
            pred_cheap = np.array(CLASSES)[p_cheap.argmax(axis=1)]
            pred_full = np.array(CLASSES)[
                (full.decision_function(Z)[:, order] + bias).argmax(axis=1)
            ]
            conf = p_cheap.max(axis=1)
            threshold = 1.01
            for thr in (0.9, 0.95, 0.98, 0.99, 0.995, 0.998, 0.999, 0.9995, 0.9999):
                acc = conf >= thr
                if (
                    acc.sum()
                    and (pred_cheap[acc] == y[idx][acc]).mean()
                    >= (pred_full[acc] == y[idx][acc]).mean()
                ):
                    threshold = thr
                    break
            out_buckets.append(
                {
                    "min_words": lo,
                    "max_words": min(hi, 10**6),
                    "n_texts": int(len(idx)),
                    "cheap_threshold": threshold,
                    "cheap_share": float((conf >= threshold).mean()),
                    "class_bias": bias.round(3).tolist(),
                    "cheap": {
                        "coef": cheap.coef_[order].round(5).tolist(),
                        "intercept": (cheap.intercept_[order] + bias).round(5).tolist(),
                    },
                    "full": {
                        "coef": full.coef_[order].round(5).tolist(),
                        "intercept": (full.intercept_[order] + bias).round(5).tolist(),
                    },
                }
            )
        return out_buckets

    def detect(self, texts: Any) -> Any:
        """One row per text, in order, with columns ``language``, ``confidence``,
        ``other_language``, ``share_fi`` and ``share_sv``; a Series keeps its index."""
        import numpy as np
        import pandas as pd

        self._validate()
        index, values = _coerce_texts(texts)
        n = len(values)
        language = np.array(["unknown"] * n, dtype=object)
        confidence = np.zeros(n)
        other = np.array([""] * n, dtype=object)
        share_fi = np.zeros(n)
        share_sv = np.zeros(n)
        cleaned, tokens = self._segment_inputs(values)
        live = []
        for i in range(n):
            letters = sum(len(w) for w in tokens[i])
            if letters < self.min_letters:
                continue
            foreign = 0 if cleaned[i].isascii() else len(_NONLATIN_RE.findall(cleaned[i]))
            if foreign > letters / 2:
                # Cyrillic, Arabic, ...: no Finnish or Swedish model is needed to rule it out
                language[i] = "other"
                confidence[i] = foreign / letters
                other[i] = self._langdetect_code(cleaned[i])
            else:
                live.append(i)
        if live:
            proba, X, L, ran = self._proba([cleaned[i] for i in live], [tokens[i] for i in live])
            for k, i in enumerate(live):
                j = int(proba[k].argmax())
                language[i] = CLASSES[j]
                confidence[i] = proba[k, j]
            oth = [k for k, i in enumerate(live) if language[i] == "other"]
            if oth:
                codes = self._other_codes(
                    [cleaned[live[k]] for k in oth],
                    [tokens[live[k]] for k in oth],
                    X[oth],
                    L[oth],
                    ran[oth],
                )
                for k, code in zip(oth, codes, strict=False):
                    other[live[k]] = code
            self._apply_mixed(values, live, language, confidence, share_fi, share_sv)
        share_fi[language == "fi"] = 1.0
        share_sv[language == "sv"] = 1.0
        return pd.DataFrame(
            {
                "language": language.astype(str),
                "confidence": confidence.round(4),
                "other_language": other.astype(str),
                "share_fi": share_fi.round(4),
                "share_sv": share_sv.round(4),
            },
            index=index,
            columns=COLUMNS,
        )

    def _apply_mixed(self, values, live, language, confidence, share_fi, share_sv) -> None:
        """Relabel texts whose sentences give both Finnish and Swedish enough words."""
        import numpy as np

        seg_owner, seg_text = [], []
        for i in live:
            spans = split_sentences(values[i])
            if len(spans) < 2:
                continue
            for a, b in spans:
                seg_owner.append(i)
                seg_text.append(values[i][a:b])
        if not seg_text:
            return
        cleaned, tokens = self._segment_inputs(seg_text)
        ok = [k for k, t in enumerate(tokens) if t]
        if not ok:
            return
        proba, _, _, _ = self._proba([cleaned[k] for k in ok], [tokens[k] for k in ok])
        words: dict[int, dict[str, int]] = {}
        confs: dict[int, list[float]] = {}
        for row, k in enumerate(ok):
            j = int(proba[row].argmax())
            if proba[row, j] < self.sentence_min_confidence:
                continue
            owner = seg_owner[k]
            tally = words.setdefault(owner, {"fi": 0, "sv": 0, "other": 0})
            tally[CLASSES[j]] += len(tokens[k])
            confs.setdefault(owner, []).append(float(proba[row, j]))
        for owner, tally in words.items():
            fi, sv = tally["fi"], tally["sv"]
            if min(fi, sv) < self.mixed_min_words:
                continue
            if min(fi, sv) / (fi + sv) < self.mixed_min_share:
                continue
            language[owner] = "mixed"
            confidence[owner] = float(np.mean(confs[owner]))
            share_fi[owner] = fi / (fi + sv)
            share_sv[owner] = sv / (fi + sv)

    def detect_sentences(self, text: Any) -> Any:
        """Per-sentence view of one text: ``sentence``, ``start``, ``end``, ``language``,
        ``confidence`` (character offsets into ``text``)."""
        import pandas as pd

        text = _as_text(text)
        spans = split_sentences(text)
        if not spans:
            return pd.DataFrame(columns=SENTENCE_COLUMNS)
        sentences = [text[a:b] for a, b in spans]
        # each sentence alone: a single sentence is never relabelled mixed
        tags = self.detect(sentences)
        return pd.DataFrame(
            {
                "sentence": sentences,
                "start": [a for a, _ in spans],
                "end": [b for _, b in spans],
                "language": tags["language"].to_numpy(),
                "confidence": tags["confidence"].to_numpy(),
            },
            columns=SENTENCE_COLUMNS,
        )


def _coerce_texts(texts: Any) -> tuple[Any, list[str]]:
    """(index or None, list of str) from a list, tuple, Series or array of texts."""
    import numpy as np
    import pandas as pd

    if isinstance(texts, (str, bytes)):
        raise InputError(
            "detect_languages expects a collection of texts, got a single string; "
            "wrap it in a list: detect_languages([text])"
        )
    if isinstance(texts, pd.DataFrame):
        raise InputError(
            "detect_languages expects one column of texts, got a DataFrame; "
            "pass the column, e.g. detect_languages(reports['text'])"
        )
    if isinstance(texts, pd.Series):
        return texts.index, [_as_text(v) for v in texts.tolist()]
    if isinstance(texts, np.ndarray):
        if texts.ndim != 1:
            raise InputError(f"detect_languages expects a 1-d array of texts, got {texts.ndim}-d")
        return None, [_as_text(v) for v in texts.tolist()]
    if isinstance(texts, Iterable):
        return None, [_as_text(v) for v in texts]
    raise InputError(
        f"detect_languages expects a list, tuple, pandas Series or numpy array of texts, "
        f"got {type(texts).__name__}"
    )


_DEFAULT: dict[int, LanguageDetector] = {}
_DEFAULT_LOCK = threading.Lock()


def _default_detector(seed: int) -> LanguageDetector:
    with _DEFAULT_LOCK:
        det = _DEFAULT.get(seed)
        if det is None:
            det = _DEFAULT[seed] = LanguageDetector(seed=seed)
        return det


def detect_languages(texts: Any, *, seed: int = 0, sentence_view: bool = False) -> Any:
    """Tag each text ``fi``, ``sv``, ``other``, ``mixed`` or ``unknown``.

    Parameters
    ----------
    texts : list, tuple, pandas.Series or numpy.ndarray of str
        The texts; ``None`` and NaN count as empty (``unknown``). A Series keeps its index.
    seed : int
        Seed for langdetect (used to name other languages); results are deterministic.
    sentence_view : bool
        Also return, per text, the sentences of ``mixed`` texts: the result then has an extra
        column ``sentences`` holding a DataFrame (see :func:`detect_sentences`) for mixed
        texts and ``None`` for the rest.

    Returns
    -------
    pandas.DataFrame
        Columns ``language``, ``confidence`` (0..1), ``other_language`` (ISO 639-1 code for
        ``other``, else ""), ``share_fi`` and ``share_sv``.

    Examples
    --------
    >>> detect_languages(["Hyvä käytäntö: nuorten ryhmä toimii hyvin.", "???"])["language"].tolist()
    ['fi', 'unknown']
    """
    import pandas as pd

    from socanalysis.params import check_seed

    det = _default_detector(check_seed(seed))
    index, values = _coerce_texts(texts)
    out = det.detect(values if index is None else pd.Series(values, index=index, dtype=object))
    if sentence_view:
        out["sentences"] = [
            det.detect_sentences(v) if lang == "mixed" else None
            for v, lang in zip(values, out["language"], strict=False)
        ]
    return out


def detect_sentences(text: Any, *, seed: int = 0) -> Any:
    """Per-sentence languages of one text (``sentence``, ``start``, ``end``, ``language``,
    ``confidence``), for reading a ``mixed`` report.

    Examples
    --------
    >>> view = detect_sentences("Asiakas odottaa päätöstä. Klienten väntar på beslut.")
    >>> view["language"].tolist()
    ['fi', 'sv']
    """
    return _default_detector(seed).detect_sentences(text)
