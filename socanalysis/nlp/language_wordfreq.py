"""Word-frequency evidence for language identification, from the ``wordfreq`` package.

The tuning text behind the word-count table (:class:`WordCountFeaturizer`) has about 51 000
words: too few to say how common most single words are in Finnish, Swedish and their
look-alikes. wordfreq (Robyn Speer et al.; data CC BY-SA 4.0) estimates word frequencies per
language from Wikipedia, subtitles, news, books, web text, Reddit and Twitter. It is read only
at **training time** (:func:`build_word_freq_table`, which needs ``pip install wordfreq``): the
derived numbers for a bounded vocabulary go into the weights file, and the detector reads them
with :class:`WordFreqFeaturizer`, which needs only numpy.

What a frequency list cannot tell: homographs stay homographs ("on" is common Finnish and
English, "det" Swedish, Danish and Norwegian alike), names are everybody's ("Tom"), and wordfreq
has no Estonian or Nynorsk list, so Estonian "ei" / "olen" look Finnish here. These features
are one more input the per-length models weigh, next to the dictionaries, function words and
the tuning-text counts.

Examples
--------
>>> import base64
>>> zipf = base64.b64encode(bytes([10, 60, 70, 20])).decode()  # och: fi 1.0, sv 6.0; ja ...
>>> wf = WordFreqFeaturizer({"languages": ["fi", "sv"], "words": "och\\nja", "zipf": zipf})
>>> wf.feature_names_
['wf_zipf_fi', 'wf_zipf_sv', 'wf_share_fi', 'wf_share_sv', 'wf_share_other', 'wf_seen']
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Any

from socanalysis.errors import ConfigError
from socanalysis.nlp.language_lexicon import fold, tokenize

# wordfreq's lists used; it has no Estonian, and its "nn" is the Bokmål list
WORDFREQ_LANGUAGES: tuple[str, ...] = ("fi", "sv", "da", "nb", "en", "de")
FEATURE_KINDS = ("zipf", "share")
_ZIPF_SCALE = 8.0  # the most common words of a language are near Zipf 7.5
_INSTALL_HINT = (
    "the wordfreq package is needed to build word-frequency features (training only): "
    "pip install 'wordfreq>=3.1' (or the project's 'train' extra)"
)


def _wordfreq() -> Any:
    try:
        import wordfreq
    except ImportError as exc:  # pragma: no cover - exercised with a blocked import in tests
        raise ConfigError(_INSTALL_HINT) from exc
    return wordfreq


def build_word_freq_table(
    top: int = 20_000, languages: Sequence[str] = WORDFREQ_LANGUAGES
) -> dict[str, Any]:
    """Zipf frequencies per language for the union of each language's ``top`` words.

    The vocabulary is the ``top`` most frequent words of each of ``languages`` in wordfreq's
    ``best`` lists that our tokenizer keeps as one word (no digits, no "don't"), plus the
    a/o-typed form (ä, ö, å typed as a, o, a) of each word, where that form is not itself in the
    vocabulary; an a/o-typed form gets the summed frequency of the words it stands for. Values
    are Zipf frequencies (log10 of occurrences per billion words) in tenths, 0 where a list
    lacks the word, one byte each. Sorted words, so the table (and the weights file) depend
    only on wordfreq's data.

    Returns ``{"source", "wordfreq_version", "top", "languages", "words" (newline-joined),
    "zipf" (base64 of a words x languages uint8 array)}``. Needs ``wordfreq`` installed;
    raises :class:`ConfigError` saying how to install it otherwise.
    """
    import math

    import numpy as np

    wordfreq = _wordfreq()
    if top < 1:
        raise ConfigError(f"top={top!r} must be a positive number of words")
    languages = list(languages)
    missing = [lg for lg in languages if lg not in wordfreq.available_languages("best")]
    if missing:
        raise ConfigError(
            f"wordfreq has no word list for {missing}; use some of {WORDFREQ_LANGUAGES}"
        )
    freq = [wordfreq.get_frequency_dict(lg, "best") for lg in languages]
    vocab: set[str] = set()
    for lg in languages:
        vocab.update(w for w in wordfreq.top_n_list(lg, top) if tokenize(w) == [w])
    # a/o-typed forms stand for every vocabulary word they fold from
    folded: dict[str, list[str]] = {}
    for w in vocab:
        f = fold(w)
        if f != w and f not in vocab:
            folded.setdefault(f, []).append(w)
    words = sorted(vocab | set(folded))
    zipf = np.zeros((len(words), len(languages)), dtype=np.uint8)
    for i, w in enumerate(words):
        sources = sorted(folded[w]) if w in folded else [w]
        for j, table in enumerate(freq):
            p = math.fsum(table.get(s, 0.0) for s in sources)
            if p > 0:
                zipf[i, j] = min(255, max(1, round(10 * (math.log10(p) + 9))))
    return {
        "source": "wordfreq (CC BY-SA 4.0): Wikipedia, subtitles, news, books, web, Reddit, "
        "Twitter",
        "wordfreq_version": getattr(wordfreq, "__version__", "unknown"),
        "top": top,
        "languages": languages,
        "words": "\n".join(words),
        "zipf": base64.b64encode(zipf.tobytes()).decode("ascii"),
    }


class WordFreqFeaturizer:
    """Per-word frequency features from a :func:`build_word_freq_table` table; segment means.

    Per word, with ``"zipf"``: its Zipf frequency in each list (divided by 8, 0 where the list
    lacks it); with ``"share"``: the share of fi, of sv and of the other lists in its summed
    frequency (1/3 each for a word outside the vocabulary); always: whether the word is in the
    vocabulary. Lookup is by the lower-cased word as tokenized; a/o-typed forms are in the
    table (see :func:`build_word_freq_table`).

    Parameters
    ----------
    table : mapping
        As :func:`build_word_freq_table` returns (and the weights file stores).
    features : sequence of str
        Which of ``"zipf"`` and ``"share"`` to give.

    Examples
    --------
    >>> import base64
    >>> raw = bytes([70, 20, 10, 60])  # "ja": fi 7.0 sv 2.0; "och": fi 1.0, sv 6.0
    >>> table = {"languages": ["fi", "sv"], "words": "ja\\noch",
    ...          "zipf": base64.b64encode(raw).decode()}
    >>> X = WordFreqFeaturizer(table, features=("share",)).transform([["och"], ["xyz"]])
    >>> [[round(float(v), 3) for v in row] for row in X]
    [[0.0, 1.0, 0.0, 1.0], [0.333, 0.333, 0.333, 0.0]]
    """

    def __init__(self, table: Any, features: Sequence[str] = FEATURE_KINDS) -> None:
        import numpy as np

        features = tuple(features)
        bad = [f for f in features if f not in FEATURE_KINDS]
        if bad or not features:
            raise ConfigError(f"word-frequency features must be some of {FEATURE_KINDS}, got {bad}")
        for key in ("languages", "words", "zipf"):
            if key not in table:
                raise ConfigError(f"the word-frequency table lacks '{key}'; rebuild it")
        self.features = features
        self.languages = list(table["languages"])
        if "fi" not in self.languages or "sv" not in self.languages:
            raise ConfigError("the word-frequency table needs the fi and sv lists")
        words = table["words"].split("\n") if table["words"] else []
        n_lang = len(self.languages)
        raw = np.frombuffer(base64.b64decode(table["zipf"]), dtype=np.uint8)
        if raw.size != len(words) * n_lang:
            raise ConfigError("the word-frequency table's numbers do not match its words")
        zipf = raw.reshape(len(words), n_lang).astype(np.float64) / 10.0
        names: list[str] = []
        cols = []
        if "zipf" in features:
            names += [f"wf_zipf_{lg}" for lg in self.languages]
            cols.append(zipf / _ZIPF_SCALE)
        if "share" in features:
            names += ["wf_share_fi", "wf_share_sv", "wf_share_other"]
            p = np.where(zipf > 0, 10.0 ** (zipf - 9.0), 0.0)
            total = p.sum(axis=1, keepdims=True)
            total[total == 0] = 1.0
            fi = p[:, self.languages.index("fi")]
            sv = p[:, self.languages.index("sv")]
            share = np.stack([fi, sv, p.sum(axis=1) - fi - sv], axis=1) / total
            cols.append(share)
        names.append("wf_seen")
        cols.append(np.ones((len(words), 1)))
        self.feature_names_ = names
        table_rows = np.zeros((len(words) + 1, len(names)), dtype=np.float32)
        if words:
            table_rows[:-1] = np.concatenate(cols, axis=1)
        # the last row is the word outside the vocabulary: rare everywhere, no preference
        if "share" in features:
            k = names.index("wf_share_fi")
            table_rows[-1, k : k + 3] = 1.0 / 3.0
        self._index = dict(zip(words, range(len(words)), strict=True))
        self._table = table_rows

    def transform(self, segments: Sequence[Sequence[str]]) -> Any:
        """Mean word rows per segment; an empty segment gives a row of zeros."""
        from socanalysis.nlp.language_features import mean_word_rows

        return mean_word_rows(self._table, self._index, segments)
