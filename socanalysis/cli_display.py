"""Progress display and the one-screen end-of-run summary of the command line (rich)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from socanalysis.pipeline import AnalysisResult

_STATUS_WORDS = {
    "empty": "empty text",
    "duplicate": "duplicate of another report",
    "too_short": "too short to analyse",
    "too_long": "too long (over max_text_chars)",
    "unreadable": "unreadable",
    "out_of_range": "outside the date range",
}


class Display:
    """Shows which stage runs (a spinner with the stage name) and a summary at the end."""

    def __init__(self, quiet: bool = False) -> None:
        from rich.console import Console

        self.quiet = quiet
        self.console = Console(stderr=True, highlight=False)
        self._status: Any = None

    @contextmanager
    def running(self) -> Iterator[None]:
        if self.quiet:
            yield
            return
        with self.console.status("starting", spinner="dots") as status:
            self._status = status
            try:
                yield
            finally:
                self._status = None

    def stage(self, name: str) -> None:
        if self._status is not None:
            self._status.update(f"{name} …")

    def step(self, name: str) -> Any:
        self.stage(name)
        return nullcontext()

    def summary(
        self, result: AnalysisResult, out_dir: Path, paths: list[Path], elapsed: float | None = None
    ) -> None:
        if self.quiet:
            return
        from rich.console import Console
        from rich.markup import escape  # text from the input and paths: no markup in it

        out = Console(highlight=False, soft_wrap=True)

        def note(text: str) -> None:
            out.print(f"  [bold]note[/bold]: {escape(text)}")

        counts = result.summary()
        out.print(
            f"[bold]socanalysis[/bold]: {counts['rows']} reports read, "
            f"{counts['analysed']} analysed."
        )
        if counts["analysed"] == 0:
            by_status = counts["by_status"]
            if by_status.get("out_of_range") and by_status.get("out_of_range") == sum(
                n for s, n in by_status.items() if s not in ("empty", "unreadable")
            ):
                why = (
                    "every report with text is outside the date range (--from/--to); "
                    "widen it, or check the dates in reports.csv"
                )
            else:
                why = (
                    "the input has no report text that can be read; reports.csv gives each "
                    "row's status and reason"
                )
            out.print(f"  [bold]Nothing could be analysed[/bold]: {why}.")
        skipped = {k: v for k, v in counts["by_status"].items() if k != "ok"}
        for status, n in sorted(skipped.items()):
            out.print(f"  skipped {n:>5}  {_STATUS_WORDS.get(status, status)}")
        unread = int(result.run_info.get("input", {}).get("dates_not_read", 0) or 0)
        if unread:
            out.print(
                f"  [bold]note[/bold]: {unread} date(s) could not be read; those reports are "
                "kept without a date (status_reason in reports.csv says which)."
            )
        if result.run_info.get("input", {}).get("date_order_ambiguous"):
            # a guess that moves reports between months if wrong: the user should know it
            note(f"{result.run_info['input']['date_order']}.")
        decoding = result.run_info.get("input", {}).get("decoding")
        if decoding:  # part of the file in another encoding, or bytes that decode to nothing
            note(f"{decoding}.")
        others = result.run_info.get("input", {}).get("other_report_sheets") or []
        if others:
            names = escape(", ".join(map(repr, others)))
            verb = "holds" if len(others) == 1 else "hold"
            out.print(
                "  [bold]note[/bold]: only the sheet "
                f"{escape(repr(result.run_info['input'].get('sheet')))} "
                f"was read; {names} also {verb} reports with the same columns. Read one with "
                "--sheet NAME, or put the sheets into one before the run."
            )
        if counts.get("by_language"):
            langs = ", ".join(f"{k} {v}" for k, v in counts["by_language"].items())
            out.print(f"  languages: {escape(langs)}")
        if len(result.themes):
            out.print(
                f"  themes: {int((result.themes['theme_id'].astype(int) >= 0).sum())}; "
                "weak-signal candidates: "
                f"{len(result.weak_signals)}"
            )
        themes_info = result.run_info.get("themes", {})
        single = int(themes_info.get("single_report_themes", 0) or 0)
        fixed = result.config.n_themes != "auto"
        if fixed and single and single * 2 >= int(themes_info.get("n_themes", 0) or 0):
            out.print(
                f"  [bold]note[/bold]: {single} of the themes hold one report each; "
                f"n_themes={result.config.n_themes} may be too many for "
                f"{counts['analysed']} reports (n_themes='auto' chooses)."
            )
        for line in unread_choice_lines(result.run_info.get("categories")):
            note(line)
        for line in saved_model_lines(result.run_info.get("categories")):
            out.print(f"  {escape(line)}")
        line = review_line(result.run_info.get("review"))
        if line:
            out.print(f"  {escape(line)}")
        top_level = [p.name for p in paths if p.parent == Path(out_dir)]
        extra = len(paths) - len(top_level)
        more = f" and {extra} charts in charts/" if extra else ""
        out.print(f"Results in {escape(str(out_dir))}/: {escape(', '.join(top_level))}{more}.")
        if elapsed is not None:
            out.print(f"Done in {elapsed:.1f} s.")


def unread_choice_lines(record: dict[str, Any] | None) -> list[str]:
    """One line per taxonomy whose reporters' choices include values that name no category
    (``categories`` of run.json): those reports are left unlabelled, and the user is told.

    Examples
    --------
    >>> unread_choice_lines({"sectors": {"taxonomy": "pohjanmaa", "reported": 90,
    ...     "unreadable": 2, "unreadable_values": {"vammaispalvelt": 1, "en tiedä": 1}}})[0]
    ... # doctest: +NORMALIZE_WHITESPACE
    "2 of 90 reporters' sector choices name no sector of 'pohjanmaa' (e.g. 'vammaispalvelt',
    'en tiedä'); those reports are left unlabelled (categories in run.json lists them)."
    """
    words = {"shl": ("§11", "§11 point"), "sectors": ("sector", "sector")}
    lines = []
    for name, counts in (record or {}).items():
        n = int(counts.get("unreadable", 0) or 0)
        if not n:
            continue
        what, item = words.get(name, (name, "category"))
        examples = ", ".join(repr(v) for v in list(counts.get("unreadable_values") or {})[:3])
        lines.append(
            f"{n} of {counts.get('reported', n)} reporters' {what} choices name no {item} of "
            f"{counts.get('taxonomy', name)!r}"
            + (f" (e.g. {examples})" if examples else "")
            + "; those reports are left unlabelled (categories in run.json lists them)."
        )
    return lines


def saved_model_lines(record: dict[str, Any] | None) -> list[str]:
    """One line per taxonomy suggested by a saved model (``category_models``): which, what it
    learned from, and that this input's own choices were compared, not learned from.

    Examples
    --------
    >>> saved_model_lines({"shl": {"reported": 236, "saved_model": {"folder": "models/shl",
    ...     "mode": "supervised", "trained_on": 180}}})[0]  # doctest: +NORMALIZE_WHITESPACE
    "§11 points: suggested by the saved model models/shl (trained on 180 labelled reports);
    the 236 reporters' choices here were compared with it, not learned from."
    """
    words = {"shl": "§11 points", "sectors": "sectors"}
    lines = []
    for name, counts in (record or {}).items():
        saved = counts.get("saved_model")
        if not saved:
            continue
        trained = int(saved.get("trained_on", 0) or 0)
        how = f"trained on {trained} labelled reports" if trained else "zero-shot"
        line = f"{words.get(name, name)}: suggested by the saved model {saved['folder']} ({how})"
        reported = int(counts.get("reported", 0) or 0)
        if reported:
            line += (
                f"; the {reported} reporters' choices here were compared with it, not learned from"
            )
        lines.append(line + ".")
    return lines


def review_line(record: dict[str, Any] | None) -> str:
    """One line on what a run with ``--review`` did with the review (details in run.json).

    Examples
    --------
    >>> line = review_line({"themes": {"merges": [{"applied": True}, {"applied": False}],
    ...     "renames": [{}], "unmatched": [4], "conflicts": []},
    ...     "categories": {"shl": {"corrected_labels_used": 3}}})
    >>> line.split("; ")[:2]
    ['review: 1 merge applied, 1 not needed or not possible', '1 rename applied']
    """
    if not record:
        return ""
    themes = record.get("themes") or {}
    merges = themes.get("merges", [])
    applied = sum(bool(m.get("applied")) for m in merges)
    parts = [f"{applied} merge{'s' if applied != 1 else ''} applied"]
    if len(merges) > applied:
        parts[0] += f", {len(merges) - applied} not needed or not possible"
    renames = len(themes.get("renames", []))
    parts.append(f"{renames} rename{'s' if renames != 1 else ''} applied")
    unmatched = len(themes.get("unmatched", []))
    if unmatched:
        parts.append(f"{unmatched} reviewed theme(s) matched no theme of this run (not applied)")
    conflicts = len(themes.get("conflicts", []))
    if conflicts:
        parts.append(f"{conflicts} decision{'s' if conflicts != 1 else ''} not used (conflicts)")
    categories = record.get("categories") or {}
    words = {"shl": "§11", "sectors": "sector"}
    used = [
        f"{c.get('corrected_labels_used', 0)} corrected {words.get(name, name)} labels used"
        for name, c in categories.items()
        if c.get("corrected_labels_used")
    ]
    parts += used
    return "review: " + "; ".join(parts) + " (details: review in run.json)"
