"""Learn the weights of the language detector from tuning text (SIB-200 train/dev, UD dev).

The packaged ``data/language_weights.yaml`` was produced by::

    python -m socanalysis.nlp.language_training --eval-dir ../shared/eval

which reads only the rows the evaluation rules allow for tuning (SIB-200 ``train``/``dev`` and
UD ``*-dev`` files), cuts seeded 1- to 9-word snippets and a/o-typed copies from them, and fits one
small multinomial logistic regression per length bucket. The same snippet cutter is used by the
benchmark on the held-out sets.

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
UD_DEV = {"fi_tdt-dev.tsv": "fi", "fi_ftb-dev.tsv": "fi", "sv_talbanken-dev.tsv": "sv"}
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


def tuning_sentences(eval_dir: str | Path) -> list[tuple[str, str]]:
    """(text, label) pairs allowed for tuning; labels are fi, sv or other."""
    eval_dir = Path(eval_dir)
    out: list[tuple[str, str]] = []
    for stem, label in SIB_LABELS.items():
        for row in read_tsv(eval_dir / "sib200" / f"{stem}_Latn.tsv"):
            if row["split"] in ("train", "dev"):
                out.append((row["text"], label))
    for name, label in UD_DEV.items():
        out.extend((row["text"], label) for row in read_tsv(eval_dir / "ud" / name))
    return out


def augment(sentences: Sequence[tuple[str, str]], seed: int = 0) -> list[tuple[str, str]]:
    """Full sentences, a/o-typed copies and snippets of 1, 2, 3, 4, 6 and 9 words."""
    rng = random.Random(seed)
    out: list[tuple[str, str]] = []
    for text, label in sentences:
        out.append((text, label))
        out.append((fold(text), label))
        for k in (1, 1, 2, 2, 3, 4, 6, 9):
            snip = cut_snippet(text, k, rng)
            if snip is not None:
                out.append((snip if rng.random() < 0.7 else fold(snip), label))
    return out


def fit_weights(
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    seed: int = 0,
    C: float = 1.0,
    high_accuracy_below: int = 10,
) -> dict[str, Any]:
    """Fit the per-bucket models on (text, label) pairs; returns the weights document."""
    from socanalysis.nlp.language import LanguageDetector

    det = LanguageDetector(seed=seed, lingua_high_accuracy_below=high_accuracy_below)
    det.fit(texts, labels, C=C)
    return det.weights_


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: fit on the tuning rows of ``--eval-dir`` and write the weights YAML."""
    import yaml

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", default=str(Path(__file__).parents[3] / "shared" / "eval"))
    parser.add_argument(
        "--out", default=str(Path(__file__).parent / "data" / "language_weights.yaml")
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--C", type=float, default=1.0)
    parser.add_argument("--high-accuracy-below", type=int, default=10)
    args = parser.parse_args(argv)
    pairs = augment(tuning_sentences(args.eval_dir), seed=args.seed)
    weights = fit_weights(
        [t for t, _ in pairs],
        [y for _, y in pairs],
        seed=args.seed,
        C=args.C,
        high_accuracy_below=args.high_accuracy_below,
    )
    weights["provenance"] = (
        f"fitted by socanalysis.nlp.language_training on SIB-200 train/dev and UD dev "
        f"({len(pairs)} texts incl. snippets and a/o-typed copies), seed {args.seed}, C {args.C}"
    )
    with open(args.out, "w", encoding="utf-8") as fh:
        yaml.safe_dump(
            weights, fh, sort_keys=False, allow_unicode=True, width=100, default_flow_style=None
        )
    print(f"wrote {args.out}")


if __name__ == "__main__":  # pragma: no cover
    main()
