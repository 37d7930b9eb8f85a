"""Learn the weights of the language detector from tuning text.

The packaged ``data/language_weights.json`` was produced by::

    python -m socanalysis.nlp.language_training --eval-dir ../shared/eval

which reads SIB-200 ``train``/``dev`` rows, UD ``*-dev`` files and the *tuning half* of Tatoeba
(a seeded split, :func:`tatoeba_split`; the benchmark reports only on the other half), cuts
seeded 1- to 9-word snippets and a/o-typed copies from them, and fits one small multinomial
logistic regression per length bucket. Tatoeba is the only source of conversational text and of
Nynorsk, which is what short reports and the hardest confounders look like. The same snippet
cutter and split are used by the benchmark.

Examples
--------
>>> import random
>>> cut_snippet("Asiakas ei saanut tukea ajoissa.", 2, random.Random(0))
'tukea ajoissa'
"""

from __future__ import annotations

import argparse
import csv
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from socanalysis.nlp.language_lexicon import fold

SIB_LABELS = {
    "fin": "fi",
    "swe": "sv",
    "est": "other",
    "nob": "other",
    "dan": "other",
    "eng": "other",
}
TATOEBA = {"fin": "fi", "swe": "sv", "est": "et", "dan": "da", "nob": "nb", "nno": "nn"}
UD_DEV = {"fi_tdt-dev.tsv": "fi", "fi_ftb-dev.tsv": "fi", "sv_talbanken-dev.tsv": "sv"}
TATOEBA_WEIGHT = 3.0
HIGH_ACCURACY_BELOW = 0
_STRIP = ".,;:!?\"'()[]{}«»”“–-—…/"


def cut_snippet(text: str, n_words: int, rng: random.Random) -> str | None:
    """``n_words`` consecutive words of ``text`` (edge punctuation removed), chosen by ``rng``.

    Words without a letter (numbers, dashes) are skipped, so a snippet always has language in
    it; ``None`` when the text has fewer such words.
    """
    words = [w.strip(_STRIP) for w in text.split()]
    words = [w for w in words if any(c.isalpha() for c in w)]
    if len(words) < n_words:
        return None
    start = rng.randrange(len(words) - n_words + 1)
    return " ".join(words[start : start + n_words])


def read_tsv(path: Path) -> list[dict[str, str]]:
    """Rows of an evaluation TSV file as dicts (header row, tab separated, UTF-8)."""
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def tatoeba_split(
    eval_dir: str | Path, seed: int = 0
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Tatoeba sentences as (text, ISO code) pairs, split per language in two seeded halves:
    (tuning half, held-out half). Only the held-out half is ever reported."""
    tune: list[tuple[str, str]] = []
    held_out: list[tuple[str, str]] = []
    for stem, code in TATOEBA.items():
        rows = [row["text"] for row in read_tsv(Path(eval_dir) / "tatoeba" / f"{stem}.tsv")]
        order = list(range(len(rows)))
        random.Random(f"tatoeba-{seed}-{stem}").shuffle(order)
        half = len(rows) // 2
        tune += [(rows[i], code) for i in sorted(order[:half])]
        held_out += [(rows[i], code) for i in sorted(order[half:])]
    return tune, held_out


def tuning_sentences(
    eval_dir: str | Path, *, tatoeba: bool = True, tatoeba_seed: int = 0
) -> list[tuple[str, str]]:
    """(text, label) pairs allowed for tuning; labels are fi, sv or other.

    SIB-200 train/dev, UD dev and (with ``tatoeba``) the tuning half of Tatoeba.
    """
    eval_dir = Path(eval_dir)
    out: list[tuple[str, str]] = []
    if tatoeba:
        tune, _ = tatoeba_split(eval_dir, tatoeba_seed)
        out.extend((text, code if code in ("fi", "sv") else "other") for text, code in tune)
    for stem, label in SIB_LABELS.items():
        for row in read_tsv(eval_dir / "sib200" / f"{stem}_Latn.tsv"):
            if row["split"] in ("train", "dev"):
                out.append((row["text"], label))
    for name, label in UD_DEV.items():
        out.extend((row["text"], label) for row in read_tsv(eval_dir / "ud" / name))
    return out


def tuning_set(
    eval_dir: str | Path, *, tatoeba_weight: float = 1.0, seed: int = 0
) -> tuple[list[str], list[str], list[float]]:
    """Texts, labels and sample weights to fit on: every tuning sentence with its a/o-typed copy
    and snippets (as :func:`augment`); Tatoeba's weigh ``tatoeba_weight``, since that
    conversational text is closest to hurried reports."""
    n_tatoeba = len(tatoeba_split(eval_dir)[0])
    rng = random.Random(seed)
    texts: list[str] = []
    labels: list[str] = []
    weights: list[float] = []
    for k, (text, label) in enumerate(tuning_sentences(eval_dir)):
        pairs = _variants(text, label, rng)
        texts += [t for t, _ in pairs]
        labels += [y for _, y in pairs]
        weights += [tatoeba_weight if k < n_tatoeba else 1.0] * len(pairs)
    return texts, labels, weights


def _variants(text: str, label: str, rng: random.Random) -> list[tuple[str, str]]:
    out = [(text, label), (fold(text), label)]
    for k in (1, 1, 2, 2, 3, 4, 6, 9):
        snip = cut_snippet(text, k, rng)
        if snip is not None:
            out.append((snip if rng.random() < 0.7 else fold(snip), label))
    return out


def augment(sentences: Sequence[tuple[str, str]], seed: int = 0) -> list[tuple[str, str]]:
    """Full sentences, a/o-typed copies and snippets of 1, 2, 3, 4, 6 and 9 words."""
    rng = random.Random(seed)
    return [pair for text, label in sentences for pair in _variants(text, label, rng)]


def fit_weights(
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    seed: int = 0,
    C: float = 1.0,
    high_accuracy_below: int = HIGH_ACCURACY_BELOW,
    sample_weight: Sequence[float] | None = None,
) -> dict[str, Any]:
    """Fit the per-bucket models on (text, label) pairs; returns the weights document."""
    from socanalysis.nlp.language import LanguageDetector

    det = LanguageDetector(seed=seed, lingua_high_accuracy_below=high_accuracy_below)
    det.fit(texts, labels, C=C, sample_weight=sample_weight)
    return det.weights_


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: fit on the tuning rows of ``--eval-dir`` and write the weights JSON."""
    import json

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", default=str(Path(__file__).parents[3] / "shared" / "eval"))
    parser.add_argument(
        "--out", default=str(Path(__file__).parent / "data" / "language_weights.json")
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--C", type=float, default=1.0)
    parser.add_argument("--high-accuracy-below", type=int, default=HIGH_ACCURACY_BELOW)
    parser.add_argument("--tatoeba-weight", type=float, default=TATOEBA_WEIGHT)
    args = parser.parse_args(argv)
    texts, labels, sample_weight = tuning_set(
        args.eval_dir, tatoeba_weight=args.tatoeba_weight, seed=args.seed
    )
    weights = fit_weights(
        texts,
        labels,
        seed=args.seed,
        C=args.C,
        high_accuracy_below=args.high_accuracy_below,
        sample_weight=sample_weight,
    )
    weights["provenance"] = (
        "fitted by socanalysis.nlp.language_training on SIB-200 train/dev, UD dev and the "
        f"tuning half of Tatoeba (split seed 0, weight {args.tatoeba_weight}); {len(texts)} "
        f"texts incl. snippets and a/o-typed copies; seed {args.seed}, C {args.C}, "
        f"lingua high accuracy below {args.high_accuracy_below} words"
    )
    with open(args.out, "w", encoding="utf-8") as fh:
        json.dump(weights, fh, ensure_ascii=False, indent=None, separators=(",", ":"))
        fh.write("\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":  # pragma: no cover
    main()
