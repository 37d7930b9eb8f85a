"""Features for Finnish / Swedish / other language identification.

Two kinds of evidence, both turned into numbers that a small linear model
(:mod:`socanalysis.nlp.language`) weighs:

* cheap, per word: simplemma dictionary coverage (as typed and with ä/ö/å typed as a/o),
  function words and characteristic letter sequences from ``data/language_cues.yaml``;
  a segment's value is the mean over its words;
* heavy, per segment: lingua's confidence values over nearby languages, computed only when the
  cheap evidence is not decisive.

Examples
--------
>>> fx = CueFeaturizer()
>>> X = fx.transform([["och", "att"], ["ja", "että"]])
>>> X.shape[0], X.shape[1] == len(fx.feature_names_)
(2, True)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from itertools import chain
from typing import Any

from socanalysis.errors import ConfigError
from socanalysis.nlp.language_lexicon import Dictionaries, fold, word_hash

LINGUA_LANGUAGES: tuple[str, ...] = ("fi", "sv", "et", "nb", "nn", "da", "en")
_PATTERN_GROUPS = ("fi", "sv", "et", "danor", "en")
# group -> (its languages, the languages it is confused with)
_FW_GROUPS = {
    "fi": (("fi",), ("et",)),
    "sv": (("sv",), ("da", "nb", "nn")),
    "et": (("et",), ("fi",)),
    "danor": (("da", "nb", "nn"), ("sv",)),
}
_LATIN_RE = re.compile(r"[a-zà-ÿāăąćčďđēėęěğīįıķĺļľłńņňōőœŕřśşšţťūůűųźżžß]")


@lru_cache(maxsize=4)
def load_cues(path: str | None = None) -> dict[str, Any]:
    """Read the cue file (the packaged ``language_cues.yaml`` unless a path is given)."""
    from socanalysis._yaml import safe_load_yaml

    if path is None:
        text = (
            resources.files("socanalysis.nlp")
            .joinpath("data/language_cues.yaml")
            .read_text(encoding="utf-8")
        )
    else:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    cues = safe_load_yaml(text)
    for key in ("dictionaries", "function_words", "patterns"):
        if key not in cues:
            raise ConfigError(f"language cue file {path or 'language_cues.yaml'} lacks '{key}'")
    for lang, words in cues["function_words"].items():
        odd = [w for w in words if not isinstance(w, str)]
        if odd:
            raise ConfigError(
                f"function words for {lang!r} in {path or 'language_cues.yaml'} must be strings; "
                f"quote {odd[:3]} (YAML reads on/no/yes as booleans)"
            )
    return cues


class CueFeaturizer:
    """Per-word cue features averaged over each segment (a list of lower-cased words).

    Parameters
    ----------
    cues_path : str or None
        Cue file; ``None`` uses the packaged one.
    cache_dir : str or None
        Where dictionary hash arrays are cached (see :class:`Dictionaries`).
    max_cache_words : int
        Word feature rows kept in memory; reports reuse their vocabulary, so this pays.
    """

    def __init__(
        self,
        cues_path: str | None = None,
        cache_dir: str | None = None,
        max_cache_words: int = 200_000,
    ) -> None:
        import numpy as np

        cues = load_cues(cues_path)
        self.dict_langs_: list[str] = list(cues["dictionaries"])
        fw = cues["function_words"]
        self._fw_exact = {lang: frozenset(words) for lang, words in fw.items()}
        self._fw_folded = {lang: frozenset(fold(w) for w in words) for lang, words in fw.items()}
        self._fw_langs = list(fw)
        # forms a dictionary lists by mistake (simplemma's Swedish one has Danish "hvad",
        # Estonian "läks"): not counted as known in that language
        self._not_in = {
            lang: frozenset(words)
            for lang, words in (cues.get("not_in_dictionary") or {}).items()
            if lang in self.dict_langs_
        }
        self._patterns = {
            group: [re.compile(p) for p in cues["patterns"].get(group, [])]
            for group in _PATTERN_GROUPS
        }
        self._dicts = Dictionaries(cache_dir)
        names = [f"dict_{lang}" for lang in self.dict_langs_]
        names += [f"dictfold_{lang}" for lang in self.dict_langs_]
        names += [
            "only_fi",
            "only_sv",
            "only_other",
            "onlyfold_fi",
            "onlyfold_sv",
            "onlyfold_other",
        ]
        names += ["unknown_word"]
        for lang in self._fw_langs:
            names += [f"fw_{lang}"]
            if lang in ("fi", "sv"):
                names += [f"fwfold_{lang}"]
        # function words of a language that none of its look-alikes uses: transfers to a
        # look-alike missing from the tuning text (Nynorsk shares Danish/Bokmål's cues)
        self._fw_rivals = {
            group: (
                frozenset().union(*(self._fw_exact.get(x, ()) for x in members)),
                frozenset().union(
                    *(self._fw_exact.get(x, ()) for x in rivals),
                    *(self._fw_folded.get(x, ()) for x in rivals),
                ),
            )
            for group, (members, rivals) in _FW_GROUPS.items()
        }
        names += [f"fwx_{g}" for g in _FW_GROUPS]
        names += [f"pat_{g}" for g in _PATTERN_GROUPS]
        names += ["nonlatin", "short_word"]
        self.feature_names_: list[str] = names
        self._index: dict[str, int] = {}
        self._matrix = np.zeros((0, len(names)), dtype=np.float32)
        self._max_cache = max_cache_words
        self._np = np

    def warm(self) -> None:
        """Load the dictionary arrays now instead of on the first call."""
        for lang in self.dict_langs_:
            self._dicts.arrays(lang)

    def _word_rows(self, words: Sequence[str]) -> Any:
        """Feature rows for words not seen before, computed together (vectorised lookups)."""
        np = self._np
        n = len(words)
        folded = [fold(w) for w in words]
        h_exact = word_hash(words)
        h_fold = word_hash(folded)
        k_exact = np.stack([self._dicts.known(h_exact, lg) for lg in self.dict_langs_], axis=1)
        k_fold = np.stack(
            [self._dicts.known(h_fold, lg, folded=True) for lg in self.dict_langs_], axis=1
        )
        for lang, forms in self._not_in.items():
            drop = np.array([w in forms for w in words], dtype=bool)
            if drop.any():
                j = self.dict_langs_.index(lang)
                k_exact[drop, j] = False
                k_fold[drop, j] = False
        cols = [k_exact, k_fold]
        for k in (k_exact, k_fold):
            fi = k[:, self.dict_langs_.index("fi")]
            sv = k[:, self.dict_langs_.index("sv")]
            others = np.delete(k, [self.dict_langs_.index("fi"), self.dict_langs_.index("sv")], 1)
            any_other = others.any(axis=1)
            cols.append(
                np.stack(
                    [fi & ~sv & ~any_other, sv & ~fi & ~any_other, any_other & ~fi & ~sv], axis=1
                )
            )
        cols.append((~(k_exact.any(axis=1) | k_fold.any(axis=1)))[:, None])
        fw_cols = []
        for lang in self._fw_langs:
            exact = self._fw_exact[lang]
            fset = self._fw_folded[lang]
            if lang in ("fi", "sv"):
                fw_cols.append([w in exact for w in words])
                # a/o-typed function word that is not also the correctly typed form
                fw_cols.append(
                    [w not in exact and f in fset for w, f in zip(words, folded, strict=False)]
                )
            else:
                fw_cols.append(
                    [w in exact or f in fset for w, f in zip(words, folded, strict=False)]
                )
        cols.append(np.array(fw_cols, dtype=bool).T.reshape(n, -1))
        fwx = [
            [
                (w in own or f in own) and w not in rival and f not in rival
                for w, f in zip(words, folded, strict=False)
            ]
            for own, rival in self._fw_rivals.values()
        ]
        cols.append(np.array(fwx, dtype=bool).T.reshape(n, -1))
        pat = np.zeros((n, len(_PATTERN_GROUPS)), dtype=np.float32)
        for j, group in enumerate(_PATTERN_GROUPS):
            pats = self._patterns[group]
            if pats:
                pat[:, j] = [sum(1 for p in pats if p.search(w)) / len(pats) for w in words]
        cols.append(pat)
        extra = np.array(
            [[1.0 - len(_LATIN_RE.findall(w)) / len(w), float(len(w) <= 2)] for w in words],
            dtype=np.float32,
        ).reshape(n, 2)
        cols.append(extra)
        return np.concatenate([c.astype(np.float32) for c in cols], axis=1)

    def transform(self, segments: Sequence[Sequence[str]]) -> Any:
        """Mean word features per segment; an empty segment gives a row of zeros."""
        np = self._np
        index = self._index
        new = sorted({w for seg in segments for w in seg if w not in index})
        if new:
            if len(index) + len(new) > self._max_cache:
                index.clear()
                self._matrix = self._matrix[:0]
                new = sorted({w for seg in segments for w in seg})
            start = len(index)
            for k, w in enumerate(new):
                index[w] = start + k
            self._matrix = np.concatenate([self._matrix, self._word_rows(new)], axis=0)
        out = np.zeros((len(segments), len(self.feature_names_)), dtype=np.float32)
        live = [i for i, seg in enumerate(segments) if seg]
        if not live:
            return out
        flat = [index[w] for i in live for w in segments[i]]
        lengths = np.array([len(segments[i]) for i in live])
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        sums = np.add.reduceat(self._matrix[flat], starts, axis=0)
        out[live] = sums / lengths[:, None]
        return out


class LinguaFeaturizer:
    """lingua confidence values over nearby languages; detectors are built lazily, once.

    Segments of ``long_from`` words or more use lingua's low-accuracy mode (trigrams: fast,
    loads in 0.1 s), shorter ones its high-accuracy mode (all n-gram orders; its 4- and 5-gram
    models cost about 1.5 s of CPU to load). ``long_from=0`` uses the low-accuracy mode only.

    Parameters
    ----------
    languages : sequence of str
        ISO 639-1 codes lingua should consider.
    long_from : int
        Segments with at least this many words use the low-accuracy detector.
    """

    def __init__(self, languages: Sequence[str] = LINGUA_LANGUAGES, long_from: int = 0) -> None:
        self.languages = tuple(languages)
        self.long_from = long_from
        self.feature_names_ = [f"lingua_{lang}" for lang in self.languages]
        self._detectors: dict[bool, Any] = {}

    def _detector(self, low_accuracy: bool) -> Any:
        det = self._detectors.get(low_accuracy)
        if det is None:
            from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

            langs = [
                Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper()))
                for code in self.languages
            ]
            builder = LanguageDetectorBuilder.from_languages(*langs)
            if low_accuracy:
                builder = builder.with_low_accuracy_mode().with_preloaded_language_models()
            det = builder.build()
            self._detectors[low_accuracy] = det
        return det

    def transform(self, texts: Sequence[str], n_words: Sequence[int]) -> Any:
        """Confidence per language (rows sum to 1, or 0 when lingua abstains)."""
        import numpy as np

        out = np.zeros((len(texts), len(self.languages)), dtype=np.float32)
        index = {lang: j for j, lang in enumerate(self.languages)}
        for low in (False, True):
            idx = [i for i, n in enumerate(n_words) if (n >= self.long_from) == low]
            if not idx:
                continue
            det = self._detector(low)
            for i in idx:
                # sequential on purpose: the throughput target is per core
                for cv in det.compute_language_confidence_values(texts[i]):
                    out[i, index[cv.language.iso_code_639_1.name.lower()]] = cv.value
        return out


WORD_COUNT_FEATURES: tuple[str, ...] = ("wc_fi", "wc_sv", "wc_other", "wc_seen")


def count_words(
    segments: Sequence[Sequence[str]],
    labels: Sequence[str],
    *,
    weights: Sequence[float] | None = None,
    groups: Sequence[Any] | None = None,
    min_groups: int = 2,
    classes: Sequence[str] = ("fi", "sv", "other"),
) -> dict[str, list[float]]:
    """Weighted count of each word per class, over labelled segments (lists of words).

    Words that occur in fewer than ``min_groups`` distinct groups (source sentences: a sentence
    and the snippets cut from it form one group) are left out: a word seen in one sentence only
    says more about that sentence than about its language, and leaving such words out keeps the
    table small. ``groups=None`` makes every segment its own group. Keys are sorted, so the
    result (and the JSON it is written to) does not depend on the input order.

    Examples
    --------
    >>> count_words([["och", "det"], ["det"], ["ja"]], ["sv", "other", "fi"], min_groups=2)
    {'det': [0, 1, 1]}
    """
    index = {c: j for j, c in enumerate(classes)}
    w = [1.0] * len(segments) if weights is None else list(weights)
    g = list(range(len(segments))) if groups is None else list(groups)
    if not len(w) == len(g) == len(labels) == len(segments):
        raise ValueError("count_words needs one label, weight and group per segment")
    counts: dict[str, list[float]] = {}
    seen_in: dict[str, set[Any]] = {}
    for seg, label, weight, group in zip(segments, labels, w, g, strict=True):
        j = index[label]
        for word in seg:
            row = counts.get(word)
            if row is None:
                row = counts[word] = [0.0] * len(classes)
                seen_in[word] = set()
            row[j] += float(weight)
            seen_in[word].add(group)
    # whole numbers as int: a smaller weights file that parses faster
    return {
        word: [int(v) if v.is_integer() else v for v in counts[word]]
        for word in sorted(counts)
        if len(seen_in[word]) >= min_groups
    }


def mean_word_rows(table: Any, index: dict[str, int], segments: Sequence[Sequence[str]]) -> Any:
    """Mean of the ``table`` rows of each segment's words (the last row: a word not in
    ``index``); an empty segment gives a row of zeros.

    >>> import numpy as np
    >>> mean_word_rows(np.array([[1.0, 0.0], [0.0, 0.0]]), {"ja": 0}, [["ja", "x"], []])
    array([[0.5, 0. ],
           [0. , 0. ]], dtype=float32)
    """
    import numpy as np

    out = np.zeros((len(segments), table.shape[1]), dtype=np.float32)
    live = [i for i, seg in enumerate(segments) if seg]
    if not live:
        return out
    unseen = len(table) - 1
    get = index.get
    flat = [get(w, unseen) for i in live for w in segments[i]]
    lengths = np.array([len(segments[i]) for i in live])
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    sums = np.add.reduceat(table[flat], starts, axis=0)
    out[live] = sums / lengths[:, None]
    return out


# the forms a word's counts can be given to the model in (`features` of WordCountFeaturizer)
WORD_COUNT_FORMS = ("share", "pair", "log", "seen_each")
# pairwise shares of the "pair" form: (name, class, the classes it is weighed against, whose
# relative frequencies are averaged): Finnish against Estonian alone, Swedish against Danish
# and Norwegian alone, Finnish against Swedish
WORD_COUNT_PAIRS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("fi_vs_et", "fi", ("et",)),
    ("sv_vs_dano", "sv", ("da", "nb", "nn")),
    ("fi_vs_sv", "fi", ("sv",)),
)


class WordCountFeaturizer:
    """How strongly each word points at fi, sv or other, from its counts in labelled text.

    Dictionaries say whether a form *exists* in a language; counts say how *common* it is
    there. "det", "har" and "du" are Swedish, Danish and Norwegian words alike, but how often
    each turns up in Swedish against the other languages is what a one- or two-word snippet can
    be judged on. Per word: the share of each class in the word's smoothed relative frequency
    (classes weigh alike, whatever their amount of text) and whether the word was seen at all;
    a segment's value is the mean over its words, as for :class:`CueFeaturizer`.

    Parameters
    ----------
    counts : mapping or None
        Word -> per-class counts (fi, sv, other), as :func:`count_words` returns; ``None`` or
        empty gives every word the unseen row.
    alpha : float
        Additive smoothing of the counts.
    classes : sequence of str
        The classes the counts are kept for, in the order of each count row; finer than the
        detector's fi / sv / other when confounders are counted per language (Estonian "on"
        is common in Estonian, not in Danish: pooled into one "other" its share is diluted).
    features : sequence of str
        The forms the counts are given in, in this order, followed by "seen" (whether the word
        was counted at all): ``"share"``, each class's share of the word's relative frequency
        p_c (the shipped form); ``"pair"``, the pairwise shares of :data:`WORD_COUNT_PAIRS`
        (p_fi / (p_fi + p_et), p_sv / (p_sv + mean of p_da, p_nb, p_nn), p_fi / (p_fi + p_sv);
        needs counts per language); ``"log"``, log p_c minus its mean over the classes (a
        word's naive-Bayes evidence per class, so that each pairwise log ratio is a difference
        of two features); ``"seen_each"``, whether the word was counted in each class. An
        unseen word has no preference: shares 1 / n, pairwise shares 1/2, logs 0, flags 0.

    Examples
    --------
    >>> wc = WordCountFeaturizer({"och": [0, 9, 1], "ja": [9, 0, 1]})
    >>> X = wc.transform([["och"], ["ja", "xyz"]])  # "xyz" is unseen: 1/3 each, not seen
    >>> [[round(float(v), 2) for v in row] for row in X]
    [[0.03, 0.63, 0.33, 1.0], [0.48, 0.18, 0.33, 0.5]]
    >>> wc = WordCountFeaturizer({"och": [0, 9, 1]}, features=("log",))
    >>> wc.feature_names_
    ['wc_log_fi', 'wc_log_sv', 'wc_log_other', 'wc_seen']
    """

    def __init__(
        self,
        counts: Any = None,
        alpha: float = 0.5,
        classes: Sequence[str] = ("fi", "sv", "other"),
        features: Sequence[str] = ("share",),
    ) -> None:
        import numpy as np

        self.alpha = alpha
        self.classes = tuple(classes)
        self.features = tuple(features)
        bad = [f for f in self.features if f not in WORD_COUNT_FORMS]
        if bad or not self.features or len(set(self.features)) != len(self.features):
            raise ConfigError(
                f"word-count features must be distinct names out of {WORD_COUNT_FORMS}, "
                f"got {list(self.features)}"
            )
        n_cls = len(self.classes)
        names: list[str] = []
        for form in self.features:
            if form == "share":
                names += [f"wc_{c}" for c in self.classes]
            elif form == "log":
                names += [f"wc_log_{c}" for c in self.classes]
            elif form == "seen_each":
                names += [f"wc_seen_{c}" for c in self.classes]
            else:
                missing = sorted(
                    {c for _, a, rest in WORD_COUNT_PAIRS for c in (a, *rest)} - set(self.classes)
                )
                if missing:
                    raise ConfigError(
                        f"pairwise word-count features need words counted per language; the "
                        f"classes {list(self.classes)} lack {missing} (count with "
                        "count_classes=('fi', 'sv', 'et', 'da', 'nb', 'nn', 'en'))"
                    )
                names += [f"wc_{name}" for name, _, _ in WORD_COUNT_PAIRS]
        self.feature_names_: list[str] = names + ["wc_seen"]
        counts = counts or {}
        # built in C-level passes: the packaged table has about 50 000 words and this runs at
        # every cold start
        self._index = dict(zip(counts, range(len(counts)), strict=True))
        table = np.zeros((len(counts) + 1, len(self.feature_names_)), dtype=np.float32)
        col = {c: j for j, c in enumerate(self.classes)}
        at = 0
        if counts:
            c = np.fromiter(
                chain.from_iterable(counts.values()), dtype=np.float64, count=n_cls * len(counts)
            ).reshape(len(counts), n_cls)
            p = (c + alpha) / (c.sum(axis=0) + alpha * len(counts))
        for form in self.features:
            if form == "share":
                if counts:
                    table[:-1, at : at + n_cls] = p / p.sum(axis=1, keepdims=True)
                # the unseen word: no preference
                table[-1, at : at + n_cls] = 1.0 / n_cls
                at += n_cls
            elif form == "log":
                if counts:
                    lp = np.log(p)
                    table[:-1, at : at + n_cls] = lp - lp.mean(axis=1, keepdims=True)
                at += n_cls
            elif form == "seen_each":
                if counts:
                    table[:-1, at : at + n_cls] = c > 0
                at += n_cls
            else:
                for _, a, rest in WORD_COUNT_PAIRS:
                    if counts:
                        pa = p[:, col[a]]
                        table[:-1, at] = pa / (pa + p[:, [col[r] for r in rest]].mean(axis=1))
                    table[-1, at] = 0.5
                    at += 1
        if counts:
            table[:-1, at] = 1.0
        self._table = table

    def transform(self, segments: Sequence[Sequence[str]]) -> Any:
        """Mean word rows per segment; an empty segment gives a row of zeros."""
        return mean_word_rows(self._table, self._index, segments)
