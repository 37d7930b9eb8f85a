"""``socanalysis cache``: where the disk caches are, how big each part is, and deleting them.

A click command that the main command attaches (``main.add_command(cache)``); the work is done
by :mod:`socanalysis.cache_admin`.
"""

from __future__ import annotations

from pathlib import Path

import click


def _size(n: int) -> str:
    """Bytes as a short human-readable size (``0 B``, ``18.4 kB``, ``201.3 MB``)."""
    value = float(n)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    raise AssertionError("unreachable")  # pragma: no cover


@click.command("cache")
@click.option(
    "--clear",
    is_flag=True,
    help="Delete the cached files (they are rebuilt when next needed).",
)
@click.option(
    "--report-data",
    is_flag=True,
    help="Only what is derived from report texts (their vectors, lemmas and masked texts); "
    "the dictionaries and compiled code are kept.",
)
@click.option(
    "--cache-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Cache folder to look at.  [default: cache_dir of --config, else "
    "$SOCANALYSIS_CACHE_DIR, else the user cache folder]",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Settings file (TOML) of analyze, for its cache_dir.",
)
def cache(clear: bool, report_data: bool, cache_dir: Path | None, config_file: Path | None) -> None:
    """Show what socanalysis keeps in its cache folder, or delete it with --clear."""
    from socanalysis.cache_admin import cache_usage, clear_cache, resolve_cache_root
    from socanalysis.errors import InputError

    if cache_dir is None and config_file is not None:
        from socanalysis.config import AnalysisConfig

        configured = AnalysisConfig.from_toml(config_file).cache_dir
        cache_dir = Path(configured) if configured else None
    root = resolve_cache_root(cache_dir)
    if root is None:
        click.echo(
            "Disk caches are off (SOCANALYSIS_CACHE_DIR is set to the empty string): "
            "nothing is kept on disk."
        )
        return
    if root.exists() and not root.is_dir():
        raise InputError(
            f"the cache folder {root} is a file: point SOCANALYSIS_CACHE_DIR (or --cache-dir) "
            "at a folder, or move the file."
        )
    if clear:
        deleted = clear_cache(root, report_data_only=report_data)
        if deleted.empty:
            click.echo(f"{'No report data' if report_data else 'Nothing'} cached in {root}.")
            return
        files = int(deleted["files"].sum())
        click.echo(
            f"Deleted {files} file{'s' if files != 1 else ''} "
            f"({_size(int(deleted['bytes'].sum()))}) from {root}: {', '.join(deleted['part'])}."
        )
        return
    usage = cache_usage(root, report_data_only=report_data)
    click.echo(f"Cache folder: {root}{'' if root.is_dir() else ' (not created yet)'}")
    width = max(len("part"), *(len(p) for p in usage["part"]))
    click.echo(f"  {'part':<{width}}  {'files':>6}  {'size':>9}  report data  what")
    for row in usage.itertuples(index=False):
        click.echo(
            f"  {row.part:<{width}}  {row.files:>6}  {_size(row.bytes):>9}  "
            f"{'yes' if row.report_data else 'no':<11}  {row.what}"
        )
    from_reports = int(usage.loc[usage["report_data"], "bytes"].sum())
    click.echo(
        f"Total {_size(int(usage['bytes'].sum()))}, of which {_size(from_reports)} derived from "
        "report texts."
    )
    where = f" --cache-dir {root}" if cache_dir is not None else ""
    click.echo(
        f"Delete with: socanalysis cache --clear{where} (everything), or add --report-data "
        "(only what comes from reports)."
    )
