"""The ``socanalysis`` command: one batch run before a network meeting.

User mistakes (a missing file, no text column, a bad setting) print one clear message and exit
with status 2; nothing prints a traceback unless ``--debug`` is given.
"""

from __future__ import annotations

import atexit
import gc
import os
import sys
import time
from pathlib import Path
from typing import Any

import click

from socanalysis._version import __version__

EXIT_USAGE = 2  # click's own exit code for usage errors; input errors share it
EXIT_INTERNAL = 1
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a command stopped by Ctrl-C
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as for a command whose reader went away
_state: dict[str, bool] = {}


def _parse_pairs(values: tuple[str, ...], option: str, form: str, example: str) -> dict[str, str]:
    """``NAME=VALUE`` options (``--column text=Kuvaus``) as a mapping; a value without ``=`` is
    a usage error naming the option and the form it takes."""
    mapping = {}
    for value in values:
        name, sep, given = value.partition("=")
        if not sep or not name.strip() or not given.strip():
            raise click.BadParameter(f"{value!r}: use {form}, e.g. {example}", param_hint=option)
        mapping[name.strip()] = given.strip()
    return mapping


def _parse_column_options(values: tuple[str, ...]) -> dict[str, str]:
    return _parse_pairs(values, "--column", "FIELD=HEADER", "text=Kuvaus")


class _Command(click.Group):
    """Turns SocanalysisError into a one-line message and exit code 2."""

    def invoke(self, ctx: click.Context) -> Any:
        from socanalysis.errors import SocanalysisError

        try:
            return super().invoke(ctx)
        except SocanalysisError as exc:
            click.echo(f"socanalysis: error: {exc}", err=True)
            ctx.exit(EXIT_USAGE)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            # results are moved into the --out folder only once all are written
            click.echo("socanalysis: interrupted; the output folder is as it was.", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:
            # the reader of the output went away (socanalysis cache | head -1): not a fault
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - Python flushes it at exit
            ctx.exit(EXIT_BROKEN_PIPE)
        except Exception as exc:  # an internal fault: say so, without a wall of traceback
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(
                f"socanalysis: internal error: {exc.__class__.__name__}: {exc}\n"
                "Rerun with --debug for details and report the problem.",
                err=True,
            )
            ctx.exit(EXIT_INTERNAL)


@click.group(cls=_Command, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="socanalysis")
@click.option("--debug", is_flag=True, help="Show full tracebacks for internal errors.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Analyse Finnish and Swedish social reports: languages, themes, weak signals, §11 points
    and sectors, written as tables for the structural social work network."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug
    _skip_the_final_collection()


def _skip_the_final_collection() -> None:
    """Let the process end without a last garbage collection over everything it loaded.

    A finished run holds millions of objects (dictionaries, models, tables), and the
    interpreter's final collection walks them all before the process ends: about 0.6 s after a
    1 000-report run on the 2-core machine (docs/performance.md), with nothing left to do.
    Frozen objects are left out of it; atexit handlers (and the files they close) run before.
    Registered once, and only at exit, so a Python session that calls the command (a test
    runner) collects as usual until it ends.
    """
    if not _state.get("freeze_at_exit"):
        _state["freeze_at_exit"] = True
        atexit.register(gc.freeze)


@main.command()
@click.argument("input_file", metavar="INPUT", type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("results"),
    show_default=True,
    help="Folder for the result files.",
)
@click.option(
    "--column",
    "columns",
    multiple=True,
    metavar="FIELD=HEADER",
    help="Name the input column of a field, e.g. --column text=Kuvaus (repeatable).",
)
@click.option(
    "--sheet",
    help="Worksheet name (XLSX), or its 0-based number when no sheet has that name; "
    "default: the first with a text column.",
)
@click.option("--from", "date_from", metavar="DATE", help="First date to include (2024-01-01).")
@click.option("--to", "date_to", metavar="DATE", help="Last date to include (2024-12-31).")
@click.option(
    "--period",
    type=click.Choice(["auto", "month", "quarter", "half-year", "year"]),
    help="Period for counts and trends.  [default: auto]",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Settings file (TOML); options given here override it.",
)
@click.option("--seed", type=click.IntRange(min=0), help="Random seed.  [default: 42]")
@click.option(
    "--review",
    "review_path",
    type=click.Path(path_type=Path),
    metavar="PATH",
    help="review.json of an earlier run, or its results folder: keep reviewed theme names and "
    "merges, train the category suggester on corrected labels.",
)
@click.option(
    "--category-model",
    "category_models",
    multiple=True,
    metavar="NAME=FOLDER",
    help="Suggest §11 points (shl=FOLDER) or sectors (sectors=FOLDER) with a model saved by "
    "train-categories instead of fitting one in the run (repeatable).",
)
@click.option(
    "--engine",
    type=click.Choice(["local", "dask"]),
    help="Where language, privacy, lemmas and embeddings run: this process, or a Dask cluster "
    "(same results; needs socanalysis[distributed]).  [default: local]",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="Dask scheduler to run on (implies --engine dask), e.g. tcp://10.0.0.5:8786; "
    "--engine dask without it starts one worker per core on this machine.",
)
@click.option(
    "--partitions",
    type=click.IntRange(min=1),
    help="Pieces the reports are cut into for --engine dask.  [default: 4 per worker]",
)
@click.option("--quiet", is_flag=True, help="No progress display or summary.")
def analyze(
    input_file: Path,
    out_dir: Path,
    columns: tuple[str, ...],
    sheet: str | None,
    date_from: str | None,
    date_to: str | None,
    period: str | None,
    config_file: Path | None,
    seed: int | None,
    review_path: Path | None,
    category_models: tuple[str, ...],
    engine: str | None,
    scheduler: str | None,
    partitions: int | None,
    quiet: bool,
) -> None:
    """Analyse the reports in INPUT (CSV, XLSX, JSON or JSON Lines) and write results to --out."""
    from socanalysis.cli_display import Display
    from socanalysis.config import AnalysisConfig
    from socanalysis.pipeline import analyze as run_analysis

    config = AnalysisConfig.from_toml(config_file) if config_file else AnalysisConfig()
    mapping = {**config.columns, **_parse_column_options(columns)}
    config = config.replace(
        columns=mapping,
        sheet=sheet,  # digits name a sheet of that name first, else its number (pick_report_sheet)
        date_from=date_from,
        date_to=date_to,
        period=period,
        seed=seed,
        review=str(review_path) if review_path is not None else None,
        category_models={
            **config.category_models,
            **_parse_pairs(
                category_models, "--category-model", "NAME=FOLDER", "shl=models/categories-shl11"
            ),
        },
        engine="dask" if scheduler and engine is None else engine,
        scheduler=scheduler,
        partitions=partitions,
    )
    if config.partitions is not None and config.engine != "dask":
        # one process has no partitions: the setting would be recorded and not used (the
        # Python API may pass a Dask client instead of the engine, so the check is here)
        raise click.BadParameter(
            "partitions apply to the Dask engine only; add --engine dask, or leave them out",
            param_hint="--partitions",
        )
    from socanalysis.pipeline import check_out_dir, check_review_out_dir

    # before minutes of analysis, not after
    check_review_out_dir(config.review, out_dir)
    check_out_dir(out_dir)
    display = Display(quiet=quiet)
    started = time.perf_counter()
    with display.running():
        # no callback when quiet: the embedder draws its own progress bar when one is given
        result = run_analysis(input_file, config, progress=None if quiet else display.stage)
        with display.step("writing files"):
            paths = result.save(out_dir)
    display.summary(result, out_dir, paths, elapsed=time.perf_counter() - started)


def _attach_subcommands() -> None:
    from socanalysis.cli_cache import cache
    from socanalysis.cli_categories import evaluate_categories, train_categories
    from socanalysis.cli_review import review

    main.add_command(cache)
    main.add_command(review)
    main.add_command(train_categories)
    main.add_command(evaluate_categories)


_attach_subcommands()

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
