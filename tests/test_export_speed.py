"""The meeting report's per-theme profiles, computed in one pass, equal the per-theme ones."""

from __future__ import annotations

import numpy as np
import pandas as pd

from socanalysis.export import summaries


def _per_theme_filter(reports, theme_id, column, labels):
    """The former implementation: filter the table once per theme (O(themes x reports))."""
    rows = summaries.analysed(reports)
    tally: dict[str, int] = {}
    for value in rows.loc[rows["theme_id"] == theme_id, column].tolist():
        for key in dict.fromkeys(summaries.split_keys(value)):
            tally[key] = tally.get(key, 0) + 1
    ordered = sorted(tally.items(), key=lambda kv: (-kv[1], summaries._key_sort(kv[0])))
    return [(k, labels.get(k, k), n) for k, n in ordered]


def test_all_theme_profiles_in_one_pass_equal_the_per_theme_ones():
    rng = np.random.default_rng(0)
    n = 400
    keys = ["1", "2", "3", "8", "10", "kela", "te", ""]
    reports = pd.DataFrame(
        {
            "status": rng.choice(["ok", "ok", "ok", "duplicate", "empty"], n),
            "theme_id": rng.integers(-1, 12, n),
            "shl_suggested": [";".join(rng.choice(keys, rng.integers(0, 4))) for _ in range(n)],
        }
    )
    reports.loc[5, "shl_suggested"] = None  # missing cells count nothing
    labels = {"3": "toimeentulo", "kela": "Kela"}
    profiles = summaries.theme_profiles(reports, "shl_suggested", labels)
    for theme in range(-1, 13):
        expected = _per_theme_filter(reports, theme, "shl_suggested", labels)
        assert profiles.get(theme, []) == expected
        assert summaries.theme_profile(reports, theme, "shl_suggested", labels) == expected
    # theme ids read back as floats from a spreadsheet still match
    as_float = reports.assign(theme_id=reports["theme_id"].astype(float))
    assert summaries.theme_profiles(as_float, "shl_suggested", labels).get(3, []) == (
        _per_theme_filter(reports, 3, "shl_suggested", labels)
    )
    assert summaries.theme_profiles(reports.drop(columns="theme_id"), "shl_suggested") == {}
