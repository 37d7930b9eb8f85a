"""``socanalysis review apply``: record the network's review decisions for later runs.

A click group that the main command attaches (``main.add_command(review)``); errors are
:class:`~socanalysis.errors.InputError`, which the main command prints as one line with exit
status 2.
"""

from __future__ import annotations

from pathlib import Path

import click


@click.group()
def review() -> None:
    """Read the review columns of a reviewed summary.xlsx and record the decisions."""


@review.command("apply")
@click.argument("summary_xlsx", metavar="SUMMARY_XLSX", type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder for review.json.  [default: the workbook's folder]",
)
@click.option(
    "--replace",
    is_flag=True,
    help="Start a new review.json instead of adding to an existing one.",
)
def apply(summary_xlsx: Path, out_dir: Path | None, replace: bool) -> None:
    """Record theme renames, merges and accepted flags, weak-signal judgements and corrected
    §11 points and sectors from SUMMARY_XLSX in review.json, which later runs (--review) and
    the category suggester read. Weak-signal judgements are recorded, not yet used.

    The workbook must be applied in the results folder of its own run (or a folder of its
    own); there, the decisions that run carried from an earlier review are kept too."""
    from socanalysis.export.review import apply_review, describe

    path, decisions = apply_review(summary_xlsx, out_dir, keep_earlier=not replace)
    for note in decisions.notes:  # recorded all the same; the reviewer may want to look
        click.echo(f"note: {note}", err=True)
    click.echo(f"Recorded {describe(decisions)}.")
    click.echo(f"Review file: {path}")
