"""Tuning-set construction for the language weights: the Tatoeba split and sample weights."""

from __future__ import annotations

from pathlib import Path

import pytest

from socanalysis.nlp.language_training import TATOEBA, tatoeba_split, tuning_set

SIB_STEMS = ("fin", "swe", "est", "nob", "dan", "eng")
UD_DEV = ("fi_tdt-dev.tsv", "fi_ftb-dev.tsv", "sv_talbanken-dev.tsv")


def _eval_dir(root: Path) -> Path:
    """A miniature evaluation folder in the shared layout, with made-up sentences."""
    (root / "tatoeba").mkdir()
    (root / "sib200").mkdir()
    (root / "ud").mkdir()
    for stem in TATOEBA:
        rows = [f"{stem}\t{stem} lause numero {k} tässä\tsentence {k}" for k in range(10)]
        (root / "tatoeba" / f"{stem}.tsv").write_text(
            "lang\ttext\teng\n" + "\n".join(rows) + "\n", encoding="utf-8"
        )
    for stem in SIB_STEMS:
        rows = [
            f"{split}\t{k}\tscience\t{stem} text {k} words here"
            for k, split in enumerate(["train", "dev", "test"])
        ]
        (root / "sib200" / f"{stem}_Latn.tsv").write_text(
            "split\tflores_id\tcategory\ttext\n" + "\n".join(rows) + "\n", encoding="utf-8"
        )
    for name in UD_DEV:
        (root / "ud" / name).write_text(
            "sent_id\tlang\ttext\n1\tfi\tyksi kaksi kolme neljä\n", encoding="utf-8"
        )
    return root


def test_tatoeba_split_is_seeded_disjoint_and_complete(tmp_path: Path) -> None:
    root = _eval_dir(tmp_path)
    tune, held_out = tatoeba_split(root)
    assert (tune, held_out) == tatoeba_split(root)  # deterministic
    assert len(tune) == len(held_out) == 5 * len(TATOEBA)
    assert not set(tune) & set(held_out)
    for code in TATOEBA.values():
        assert sum(c == code for _, c in tune) == 5
    other_seed = tatoeba_split(root, seed=1)[0]
    assert other_seed != tune


def test_tuning_set_weighs_tatoeba_and_never_uses_held_out_rows(tmp_path: Path) -> None:
    root = _eval_dir(tmp_path)
    _, held_out = tatoeba_split(root)
    texts, labels, weights, groups = tuning_set(root, tatoeba_weight=3.0)
    assert len(texts) == len(labels) == len(weights) == len(groups)
    assert set(labels) == {"fi", "sv", "other"}
    assert set(weights) == {1.0, 3.0}
    assert not {t for t, _ in held_out} & set(texts)
    # SIB test rows are never tuning text
    assert not any(t.endswith("text 2 words here") for t in texts)
    again = tuning_set(root, tatoeba_weight=3.0)
    assert again == (texts, labels, weights, groups)
    # a sentence and the snippets cut from it share a group, with one label and weight
    for g in set(groups):
        members = [i for i, x in enumerate(groups) if x == g]
        assert len(members) > 1
        assert len({labels[i] for i in members}) == len({weights[i] for i in members}) == 1


def test_search_offsets_balances_margins_over_targets() -> None:
    import numpy as np

    from socanalysis.nlp.language_training import search_offsets

    # Swedish texts score slightly under "other": with no shift no Swedish text is kept
    logits = np.array(
        [[2.0, 0.0, 0.0]] * 4 + [[0.0, 1.0, 1.2]] * 4 + [[0.0, 0.9, 1.5]] * 4 + [[0.0, 1.1, 1.0]]
    )
    gold = ["fi"] * 4 + ["sv"] * 4 + ["other"] * 5
    best, margin = search_offsets(logits, gold, (0.75, 0.75, 0.75))
    assert best[2] == 0.0
    hit = (logits + np.asarray(best)).argmax(axis=1)
    assert (hit[:4] == 0).all() and (hit[4:8] == 1).all()  # Swedish now kept
    assert (hit[8:12] == 2).all()  # without losing the clear confounders
    assert margin == pytest.approx(0.8 - 0.75)  # only the Swedish-looking confounder is lost
    # the smallest shift that does it, and the same answer every time
    assert best == search_offsets(logits, gold, (0.75, 0.75, 0.75))[0]
    assert 0.2 < best[1] <= 0.3125


def test_tuning_set_with_codes_names_each_language(tmp_path: Path) -> None:
    from socanalysis.nlp.language_training import COUNT_CLASSES, count_labels_for

    root = _eval_dir(tmp_path)
    texts, labels, weights, groups = tuning_set(root, tatoeba_weight=3.0)
    texts_c, codes, weights_c, groups_c = tuning_set(root, tatoeba_weight=3.0, codes=True)
    assert (texts_c, weights_c, groups_c) == (texts, weights, groups)  # same texts, finer labels
    assert set(codes) == {"fi", "sv", "et", "da", "nb", "nn", "en"}
    assert [c if c in ("fi", "sv") else "other" for c in codes] == labels
    fine = count_labels_for(codes, COUNT_CLASSES)
    assert set(fine) == set(COUNT_CLASSES)
    assert {f for f, c in zip(fine, codes, strict=True) if c in ("da", "nb", "nn")} == {"dano"}
    assert count_labels_for(codes, None) is None
    assert count_labels_for(codes, ("fi", "sv", "other")) is None


def test_robust_offsets_keep_away_from_a_cliff() -> None:
    import numpy as np

    from socanalysis.nlp.language_training import robust_offsets, search_offsets

    # fi: 30 of 100 texts (one word type) need a fi offset of 0.5; confounders: 25 of 100 come
    # in at 0.5625. The best single point, 0.5, keeps everything, one grid step from a cliff
    # on each side; the robust choice gives up the 25 and keeps its margin at its neighbours.
    fi = [[0.0, -5.0, 0.0]] * 70 + [[0.0, -5.0, 0.5]] * 30
    sv = [[-5.0, 1.0, 0.0]] * 100
    other = [[0.0, -5.0, 0.5625]] * 25 + [[0.0, -5.0, 3.0]] * 75
    logits = np.array(fi + sv + other)
    gold = ["fi"] * 100 + ["sv"] * 100 + ["other"] * 100
    target, se = (70.0, 70.0, 70.0), (5.0, 5.0, 5.0)
    point, point_margin = search_offsets(logits, gold, [t / 100 for t in target])
    assert point == (0.5, 0.0, 0.0) and point_margin == pytest.approx(0.30)
    best, margin, z = robust_offsets(logits, gold, target, se)
    assert best == (0.625, 0.0, 0.0)  # the smallest shift whose neighbours all keep the 30
    assert margin == pytest.approx(5.0) and z == pytest.approx(1.0)
    # scored where the point search put it: its neighbour at 0.375 loses the 30 fi texts
    assert robust_offsets(logits, gold, target, se, at=(0.5, 0.0))[1:] == pytest.approx((0, 0))
    assert robust_offsets(logits, gold, target, se) == (best, margin, z)  # deterministic


def test_command_line_writes_the_word_count_form_it_is_given(tmp_path: Path) -> None:
    import json

    from socanalysis.nlp.language_training import main

    eval_dir = _eval_dir(tmp_path)
    # twelve-word sentences, so that every length bucket has every class
    for stem in TATOEBA:
        rows = [
            f"{stem}\t" + " ".join(f"{stem}{k}sana{j}" for j in range(12)) + f"\tsentence {k}"
            for k in range(10)
        ]
        (eval_dir / "tatoeba" / f"{stem}.tsv").write_text(
            "lang\ttext\teng\n" + "\n".join(rows) + "\n", encoding="utf-8"
        )
    out = tmp_path / "weights.json"
    main(["--eval-dir", str(eval_dir), "--out", str(out), "--word-count-features", "share,log"])
    weights = json.loads(out.read_text(encoding="utf-8"))
    assert weights["word_count_features"] == ["share", "log"]
    # shares and logs of fi / sv / other plus "seen": seven word-count columns
    n_cues = len(weights["cue_features"])
    assert len(weights["buckets"][0]["cheap"]["coef"][0]) == n_cues + 7
