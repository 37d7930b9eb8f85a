"""The meeting report: ``report.html`` (self-contained, prints on A4) and ``report.md``.

The report is first built as a list of blocks (headings, paragraphs, lists, quotes, tables,
figures) and then rendered twice, so the HTML and Markdown versions always say the same thing.
Every piece of text is escaped when rendered. Report text comes only from masked columns
(``text_masked``, ``proposal_masked``); when there is no masked proposal column, proposals are
left out rather than shown raw.
"""

from __future__ import annotations

import base64
import html
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING, Any

from socanalysis.errors import InputError
from socanalysis.export import summaries
from socanalysis.export.contract import OUTLIER_THEME_ID
from socanalysis.export.labels import UiText, category_labels, check_language, taxonomy_text
from socanalysis.export.parts import (
    ResultParts,
    clean_cell,
    masked_proposal,
    masked_text,
    result_parts,
    shorten,
    theme_excerpts,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

FORMATS = ("html", "md")
CHARTS_FOLDER = "charts"  # next to report.md, which links its PNG files


@dataclass
class Block:
    """One piece of the report; ``kind`` decides how ``data`` is rendered."""

    kind: str  # heading, para, note, list, index, quotes, table, figures, facts, image, section
    data: Any
    level: int = 2
    extra: dict[str, Any] = field(default_factory=dict)
    rows: list[list[Any]] = field(default_factory=list)  # table rows


def remove_undrawn_charts(out: Path, drawn: Iterable[str]) -> None:
    """Delete the standard charts in ``out/charts`` that are not among ``drawn`` (names).

    A chart an earlier run in the folder drew and this one does not (no weak signals,
    ``charts=False``) would sit beside a report that no longer links it. Other files in the
    folder are left alone.
    """
    from socanalysis.export.charts import CHART_NAMES

    for name in set(CHART_NAMES) - set(drawn):
        (out / CHARTS_FOLDER / f"{name}.png").unlink(missing_ok=True)


def write_report(
    result_like: Any,
    out_dir: str | os.PathLike[str],
    language: str = "fi",
    formats: Sequence[str] = FORMATS,
    *,
    shl_labels: Any = None,
    sector_labels: Any = None,
    charts: bool | Mapping[str, Figure] = True,
    n_excerpts: int = 3,
    excerpt_chars: int = 300,
    max_proposals: int = 10,
    max_good: int = 10,
) -> dict[str, Path]:
    """Write the meeting report as ``report.html`` and/or ``report.md`` into ``out_dir``.

    Parameters
    ----------
    result_like : AnalysisResult or look-alike
        Needs ``reports``, ``themes``, ``weak_signals`` and ``run_info``.
    out_dir : path
        Folder for the report (created). The Markdown version links PNG charts in
        ``out_dir/charts/``; the HTML version embeds them.
    language : str
        fi, sv or en.
    formats : sequence of str
        ``"html"``, ``"md"`` or both.
    shl_labels, sector_labels : mapping or taxonomy, optional
        Category labels (see :func:`socanalysis.export.labels.category_labels`).
    charts : bool or mapping
        True draws the standard charts, False leaves them out, a mapping name -> Figure uses
        those figures.
    n_excerpts, excerpt_chars : int
        Masked excerpts per theme and their longest length.
    max_proposals, max_good : int
        Proposals listed per theme and good practices listed, before "and N more".

    Returns
    -------
    dict
        Format (and ``chart:<name>`` for saved PNGs) -> path.

    Examples
    --------
    >>> import pandas as pd, tempfile
    >>> from types import SimpleNamespace
    >>> result = SimpleNamespace(reports=pd.DataFrame({"report_id": ["1"], "status": ["ok"],
    ...     "polarity": ["positive"], "text_masked": ["Kohtaamispaikka toimii <hyvin>."]}),
    ...     themes=None, weak_signals=None, run_info={})
    >>> paths = write_report(result, tempfile.mkdtemp(), "en", charts=False)
    >>> "toimii &lt;hyvin&gt;" in paths["html"].read_text(encoding="utf-8")
    True
    """
    check_language(language)
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise InputError(
            f"report format(s) {', '.join(map(repr, unknown)) or 'none'} not known; "
            f"use {' and/or '.join(FORMATS)}"
        )
    parts = result_parts(result_like)
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{out}: cannot create the output folder ({exc.strerror}).") from None

    figures: Mapping[str, Figure] = {}
    if charts is True:
        from socanalysis.export.charts import standard_charts

        figures = standard_charts(
            result_like, language, shl_labels=shl_labels, sector_labels=sector_labels
        )
    elif isinstance(charts, Mapping):
        figures = charts
    pngs = _render_pngs(figures)

    blocks = build_blocks(
        parts,
        language,
        shl_labels=shl_labels,
        sector_labels=sector_labels,
        charts=list(pngs),
        n_excerpts=n_excerpts,
        excerpt_chars=excerpt_chars,
        max_proposals=max_proposals,
        max_good=max_good,
    )
    ui = UiText(language)
    version = str(parts.run_info.get("socanalysis_version", ""))
    written: dict[str, Path] = {}
    if "html" in formats:
        path = out / "report.html"
        path.write_text(render_html(blocks, pngs, ui, version), encoding="utf-8")
        written["html"] = path
    if "md" in formats:
        folder = out / CHARTS_FOLDER
        remove_undrawn_charts(out, pngs)
        for name, data in pngs.items():
            folder.mkdir(exist_ok=True)
            (folder / f"{name}.png").write_bytes(data)
            written[f"chart:{name}"] = folder / f"{name}.png"
        path = out / "report.md"
        path.write_text(render_markdown(blocks), encoding="utf-8")
        written["md"] = path
    return written


def _render_pngs(figures: Mapping[str, Figure]) -> dict[str, bytes]:
    import io

    out = {}
    for name, fig in figures.items():
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=fig.dpi, metadata={"Software": None})
        out[name] = buffer.getvalue()
    return out


# ---------------------------------------------------------------------------------------------
# content


def build_blocks(
    parts: ResultParts,
    language: str,
    *,
    shl_labels: Any = None,
    sector_labels: Any = None,
    charts: Sequence[str] = (),
    n_excerpts: int = 3,
    excerpt_chars: int = 300,
    max_proposals: int = 10,
    max_good: int = 10,
) -> list[Block]:
    """The report's content, independent of the output format."""
    ui = UiText(language)
    shl = category_labels(shl_labels, language)
    sectors = category_labels(sector_labels, language)
    charts = list(charts)
    blocks: list[Block] = []
    blocks += _overview(parts, ui, shl, sectors, charts)
    blocks += _themes(parts, ui, shl, sectors, charts, n_excerpts, excerpt_chars, max_proposals)
    blocks += _weak_signals(parts, ui, charts)
    blocks += _good_practices(parts, ui, excerpt_chars, max_good)
    blocks += _method(parts, ui)
    return blocks


def _chart(name: str, charts: list[str], ui: UiText) -> list[Block]:
    key = {"theme_sector": "theme_sector", "emergence": "emergence"}.get(name, name)
    return [Block("image", name, extra={"caption": ui("charts", key)})] if name in charts else []


def _overview(
    parts: ResultParts,
    ui: UiText,
    shl: Mapping[str, str],
    sectors: Mapping[str, str],
    charts: list[str],
) -> list[Block]:
    reports = parts.reports
    ok = summaries.analysed(reports)
    polarity = summaries.polarity_of(ok)
    language = ok["language"] if "language" in ok.columns else None
    themes = parts.themes
    real_themes = (
        themes[themes["theme_id"].astype(int) != OUTLIER_THEME_ID] if not themes.empty else themes
    )
    outliers = int((ok["theme_id"] == OUTLIER_THEME_ID).sum()) if "theme_id" in ok.columns else 0
    dates = summaries.dates_of(ok).dropna()
    blocks = [Block("heading", ui("report", "title"), level=1)]
    if not dates.empty:
        span = ui(
            "report",
            "period_range",
            first=ui.date(dates.min()),
            last=ui.date(dates.max()),
        )
        blocks.append(Block("para", span, extra={"class": "subtitle"}))
    version = str(parts.run_info.get("socanalysis_version", ""))
    blocks.append(Block("note", ui("report", "generated_by", version=version)))
    blocks.append(Block("heading", ui("report", "overview"), level=2, extra={"first": True}))
    figures = [
        (ui("report", "figure_reports"), len(reports)),
        (ui("report", "figure_analysed"), len(ok)),
        (ui("report", "figure_negative"), int((polarity == "negative").sum())),
        (ui("report", "figure_positive"), int((polarity == "positive").sum())),
    ]
    if language is not None:
        figures += [
            (ui("report", "figure_fi"), int((language == "fi").sum())),
            (ui("report", "figure_sv"), int((language == "sv").sum())),
        ]
    figures += [
        (ui("report", "figure_themes"), len(real_themes)),
        (ui("report", "figure_outliers"), outliers),
        (ui("report", "figure_weak"), len(parts.weak_signals)),
    ]
    blocks.append(Block("figures", figures))
    blocks += _chart("themes_by_size", charts, ui)
    blocks += _chart("themes_over_periods", charts, ui)

    periods = summaries.period_counts(reports, parts.period)
    if not periods.empty:
        blocks.append(Block("heading", ui("report", "counts_by_period"), level=3))
        keys = ["period", "n_reports", "n_negative", "n_positive", "n_unknown", "n_fi", "n_sv"]
        blocks.append(
            Block(
                "table",
                [ui("columns", k) for k in keys],
                rows=[
                    [r["period"] or ui("values", "no_date"), *(r[k] for k in keys[1:])]
                    for r in periods.to_dict("records")
                ],
                extra={"numeric": list(range(1, len(keys)))},
            )
        )
    blocks.append(Block("heading", ui("report", "counts_by_shl"), level=3))
    blocks += _chart("shl_profile", charts, ui)
    blocks.append(_count_table(summaries.shl_counts(reports, shl), ui, "point"))
    blocks.append(Block("heading", ui("report", "counts_by_sector"), level=3))
    blocks += _chart("sector_profile", charts, ui)
    sector_table = summaries.sector_counts(reports, sectors)
    sector_table = sector_table[sector_table["n_reports"] > 0].sort_values(
        ["n_reports", "key"], ascending=[False, True], kind="stable"
    )
    blocks.append(_count_table(sector_table, ui, "key"))
    blocks.append(Block("note", ui("report", "counts_note")))
    blocks += _chart("theme_sector", charts, ui)
    units = summaries.unit_counts(reports)
    if not units.empty and (units["unit"] != "").any() | (units["municipality"] != "").any():
        blocks.append(Block("heading", ui("report", "counts_by_unit"), level=3))
        keys = ["municipality", "unit", "n_reports", "n_negative", "n_positive"]
        blocks.append(
            Block(
                "table",
                [ui("columns", k) for k in keys],
                rows=[
                    [*summaries.unit_names(r, ui("values", "no_unit")), *(r[k] for k in keys[2:])]
                    for r in units.to_dict("records")
                ],
                extra={"numeric": [2, 3, 4]},
            )
        )
    return blocks


def _count_table(frame: Any, ui: UiText, key_column: str) -> Block:
    keys = ["key", "label", "n_reports", "n_negative", "n_positive"]
    headers = [ui("columns", key_column), ui("columns", "label")] + [
        ui("columns", k) for k in keys[2:]
    ]
    rows = [[r[k] for k in keys] for r in frame.to_dict("records")]
    return Block("table", headers, rows=rows, extra={"numeric": [2, 3, 4]})


def _profile_text(items: list[tuple[str, str, int]], show_key: bool) -> str:
    return ", ".join(
        f"{key} {label} ({n})" if show_key and label != key else f"{label} ({n})"
        for key, label, n in items
    )


def _themes(
    parts: ResultParts,
    ui: UiText,
    shl: Mapping[str, str],
    sectors: Mapping[str, str],
    charts: list[str],
    n_excerpts: int,
    excerpt_chars: int,
    max_proposals: int,
) -> list[Block]:
    blocks = [Block("heading", ui("report", "themes"), level=2)]
    themes = summaries.themes_in_order(parts.themes)
    if not themes.empty:
        themes = themes[themes["theme_id"].astype(int) != OUTLIER_THEME_ID]
    if themes.empty:
        return [*blocks, Block("para", ui("report", "no_themes"))]
    trends = ui.group("trend")
    proposals = masked_proposal(parts.reports)
    # every theme's profile in one pass over the reports, not one pass per theme
    shl_profiles = summaries.theme_profiles(parts.reports, "shl_suggested", shl)
    sector_profiles = summaries.theme_profiles(parts.reports, "sectors_suggested", sectors)
    index: list[tuple[str, str]] = []
    written_in = _report_languages(parts)  # once: every theme's excerpts look it up
    for theme in themes.to_dict("records"):
        theme_id = int(theme["theme_id"])
        name = summaries.theme_name(theme, ui.language)
        other = summaries.theme_name(theme, "fi" if ui.language == "sv" else "sv")
        # the theme's id, as the workbook, themes.csv and the weak signals' evidence name it
        # (a rank number here would name another theme there)
        # a theme of one language has the other's label borrowed: its words once, not twice
        twice = other != name and not (summaries.is_borrowed(other) or summaries.is_borrowed(name))
        title = f"{ui('report', 'theme_word')} {theme_id}: {name}" + (
            f" / {other}" if twice else ""
        )
        blocks.append(Block("heading", title, level=3, extra={"anchor": f"theme-{theme_id}"}))
        index.append((f"{title} ({_n(theme.get('n_reports'))})", f"theme-{theme_id}"))
        facts = [
            (
                ui("report", "size"),
                ui(
                    "report",
                    "size_value",
                    n=_n(theme.get("n_reports")),
                    fi=_n(theme.get("n_fi")),
                    sv=_n(theme.get("n_sv")),
                    pos=_n(theme.get("n_positive")),
                    neg=_n(theme.get("n_negative")),
                ),
            )
        ]
        trend = clean_cell(theme.get("trend"))
        if trend:
            facts.append((ui("report", "trend"), trends.get(trend, trend)))
        first = ui.date(clean_cell(theme.get("first_date")))
        last = ui.date(clean_cell(theme.get("last_date")))
        if first or last:
            facts.append((ui("report", "dates"), f"{first} – {last}"))
        keywords = "; ".join(
            f"{lang}: {clean_cell(theme.get(f'keywords_{lang}'))}"
            for lang in ("fi", "sv")
            if clean_cell(theme.get(f"keywords_{lang}"))
        )
        if keywords:
            facts.append((ui("report", "keywords"), keywords))
        shl_items = shl_profiles.get(theme_id, [])
        shl_text = _profile_text(shl_items, True) or _label_keys(theme.get("top_shl"), shl)
        if shl_text:
            facts.append((ui("report", "shl_profile"), shl_text))
        sector_items = sector_profiles.get(theme_id, [])
        sector_text = _profile_text(sector_items, False) or _label_keys(
            theme.get("top_sectors"), sectors
        )
        if sector_text:
            facts.append((ui("report", "sector_profile"), sector_text))
        blocks.append(Block("facts", facts))
        excerpts = theme_excerpts(parts, theme, n_excerpts, excerpt_chars)
        if excerpts:
            blocks.append(Block("para", ui("report", "excerpts"), extra={"class": "label"}))
            blocks.append(
                Block("quotes", [(text, rid, written_in.get(rid, "")) for rid, text in excerpts])
            )
        blocks.append(Block("para", ui("report", "proposals"), extra={"class": "label"}))
        if not parts.has_proposals:
            blocks.append(Block("note", ui("report", "proposals_unavailable")))
            continue
        ids = parts.theme_report_ids(theme_id)  # grouped once for all themes
        found = list(dict.fromkeys(p.strip() for p in proposals.reindex(ids).fillna("") if p))
        if not found:
            blocks.append(Block("note", ui("report", "no_proposals")))
            continue
        shown = [shorten(p, excerpt_chars) for p in found[:max_proposals]]
        blocks.append(Block("list", shown))
        if len(found) > max_proposals:
            more = ui("report", "more_proposals", n=len(found) - max_proposals)
            blocks.append(Block("note", more))
    # a list of the themes under the heading, each a link to its section: at 147 themes
    # (20 000 reports) the sections run to thousands of lines
    return [blocks[0], Block("index", index), *blocks[1:]]


def _report_languages(parts: ResultParts) -> dict[str, str]:
    """Report id -> ``fi`` or ``sv``, the language an excerpt is marked with in HTML."""
    reports = parts.reports
    if "language" not in reports.columns:
        return {}
    return {
        str(rid): lang
        for rid, lang in zip(reports["report_id"], reports["language"], strict=True)
        if lang in ("fi", "sv")
    }


def _n(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _label_keys(value: Any, labels: Mapping[str, str]) -> str:
    return ", ".join(labels.get(k, k) for k in summaries.split_keys(value))


def _weak_signals(parts: ResultParts, ui: UiText, charts: list[str]) -> list[Block]:
    blocks = [Block("heading", ui("report", "weak_signals"), level=2)]
    weak = parts.weak_signals
    if weak.empty:
        blocks.append(Block("para", ui("report", "no_weak")))
    else:
        blocks.append(Block("para", ui("report", "weak_intro")))
        if "score" in weak.columns:
            weak = weak.sort_values("score", ascending=False, kind="stable")
        headers = [
            # the id the workbook's weak-signal sheet asks the network to judge by
            ui("columns", "weak_signal_id"),
            ui("columns", "theme_label"),
            ui("columns", "n_reports"),
            ui("columns", "n_units"),
            ui("columns", "score"),
            ui("columns", "why"),
        ]
        rows = []
        for signal in weak.to_dict("records"):
            score = signal.get("score")
            rows.append(
                [
                    clean_cell(signal.get("weak_signal_id")),
                    summaries.theme_name(
                        {**signal, "theme_id": signal.get("weak_signal_id")}, ui.language
                    ),
                    _n(signal.get("n_reports")),
                    _n(signal.get("n_units")),
                    ui.decimal(score) if isinstance(score, (int, float)) else "",
                    clean_cell(signal.get(f"why_{ui.language}") or signal.get("why")),
                ]
            )
        blocks.append(Block("table", headers, rows=rows, extra={"numeric": [2, 3, 4]}))
    blocks += _chart("emergence", charts, ui)
    return blocks


def _good_practices(parts: ResultParts, ui: UiText, excerpt_chars: int, limit: int) -> list[Block]:
    blocks = [Block("heading", ui("report", "good_practices"), level=2)]
    ok = summaries.analysed(parts.reports)
    positive = ok[summaries.polarity_of(ok) == "positive"]
    texts = masked_text(parts.reports)
    names = {}
    if not parts.themes.empty:
        names = {
            int(t["theme_id"]): summaries.theme_name(t, ui.language)
            for t in parts.themes.to_dict("records")
            if int(t["theme_id"]) != OUTLIER_THEME_ID
        }
    written_in = _report_languages(parts)
    items = []
    for record in positive.to_dict("records"):
        text = texts.get(str(record["report_id"]), "")
        if isinstance(text, str) and text.strip():
            theme = names.get(_n(record.get("theme_id", OUTLIER_THEME_ID)), "")
            items.append(
                (
                    str(record["report_id"]) + (f" · {theme}" if theme else ""),
                    shorten(text, excerpt_chars),
                    written_in.get(str(record["report_id"]), ""),
                )
            )
    if not items:
        return [*blocks, Block("para", ui("report", "no_good"))]
    blocks.append(Block("para", ui("report", "good_intro")))
    blocks.append(Block("quotes", [(text, ref, lang) for ref, text, lang in items[:limit]]))
    if len(items) > limit:
        blocks.append(Block("note", ui("report", "more_good", n=len(items) - limit)))
    return blocks


def _method(parts: ResultParts, ui: UiText) -> list[Block]:
    blocks = [Block("heading", ui("report", "method"), level=2)]
    blocks.append(Block("para", ui("report", "method_text")))
    if "pii_masked" in parts.reports.columns:
        total = int(parts.reports["pii_masked"].fillna(0).astype(int).sum())
        blocks.append(Block("para", ui("report", "masked_total", n=total)))
    info = parts.run_info
    facts = [(ui("run", "version"), clean_cell(info.get("socanalysis_version")))]
    counts = info.get("counts") or {}
    if counts:
        facts.append((ui("run", "rows"), str(counts.get("rows", ""))))
        facts.append((ui("run", "analysed"), str(counts.get("analysed", ""))))
        for status, n in sorted((counts.get("by_status") or {}).items()):
            word = ui.group("statuses").get(status, status)
            facts.append((ui("run", "status_count", status=word), str(n)))
    if info.get("seed") is not None:
        facts.append((ui("run", "seed"), str(info["seed"])))
    embedder = info.get("embedder")
    if isinstance(embedder, Mapping):
        facts.append((ui("run", "embedder"), str(embedder.get("name", embedder))))
    elif embedder:
        facts.append((ui("run", "embedder"), str(embedder)))
    sectors = (info.get("taxonomies") or {}).get("sectors")
    if sectors:  # which sector list the sector tables count: a county's own, or the default
        facts.append((ui("run", "sector_list"), taxonomy_text(sectors, ui.language)))
    # the dates of the analysed reports, as the tables count them (a row outside --from/--to
    # would otherwise widen the span and name a longer period than the tables use)
    dates = summaries.dates_of(summaries.analysed(parts.reports))
    period = summaries.resolve_period(dates, parts.period)
    facts.append((ui("columns", "period"), ui.group("period_names").get(period, period)))
    blocks.append(Block("facts", facts))
    return blocks


# ---------------------------------------------------------------------------------------------
# rendering


def _template(name: str) -> str:
    return resources.files("socanalysis.export.templates").joinpath(name).read_text("utf-8")


def render_html(blocks: list[Block], pngs: Mapping[str, bytes], ui: UiText, version: str) -> str:
    """A self-contained HTML page: styles inline, charts as base64 PNG, all text escaped."""
    e = html.escape
    body: list[str] = []
    for block in blocks:
        kind, data = block.kind, block.data
        if kind == "heading":
            anchor = block.extra.get("anchor")
            attrs = f' id="{e(anchor)}"' if anchor else ""
            if block.extra.get("first"):
                attrs += ' class="first"'
            body.append(f"<h{block.level}{attrs}>{e(data)}</h{block.level}>")
        elif kind == "para":
            css = block.extra.get("class")
            tag = "strong" if css == "label" else None
            text = f"<{tag}>{e(data)}</{tag}>" if tag else e(data)
            body.append(f'<p class="{e(css)}">{text}</p>' if css else f"<p>{text}</p>")
        elif kind == "note":
            body.append(f'<p class="note">{e(data)}</p>')
        elif kind == "list":
            body.append("<ul>" + "".join(f"<li>{e(item)}</li>" for item in data) + "</ul>")
        elif kind == "index":
            links = "".join(f'<li><a href="#{e(a)}">{e(text)}</a></li>' for text, a in data)
            body.append(f'<ul class="index">{links}</ul>')
        elif kind == "quotes":
            for text, ref, lang in data:
                # a Finnish excerpt in a Swedish report is read (and spoken by screen readers)
                # as Finnish; mixed and other-language reports have no single language to name
                marked = f' lang="{lang}"' if lang else ""
                body.append(f"<blockquote{marked}>{e(text)}<cite>{e(ref)}</cite></blockquote>")
        elif kind == "figures":
            items = "".join(f"<div><dt>{e(k)}</dt><dd>{e(str(v))}</dd></div>" for k, v in data)
            body.append(f'<dl class="figures">{items}</dl>')
        elif kind == "facts":
            items = "".join(f"<dt>{e(k)}</dt><dd>{e(str(v))}</dd>" for k, v in data)
            body.append(f'<dl class="facts">{items}</dl>')
        elif kind == "table":
            body.append(_html_table(data, block.rows, block.extra.get("numeric", [])))
        elif kind == "image":
            png = pngs.get(data)
            if png is None:
                continue
            src = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
            caption = e(block.extra.get("caption", data))
            # the chart carries its own title; the caption is the text alternative
            body.append(f'<figure><img src="{src}" alt="{caption}"></figure>')
    return Template(_template("report.html")).substitute(
        lang=e(ui.language),
        version=e(version),
        title=e(ui("report", "title")),
        css=_template("report.css").strip(),
        body="\n".join(body),
    )


def _html_table(headers: list[str], rows: list[list[Any]], numeric: list[int]) -> str:
    e = html.escape

    def cell(tag: str, j: int, value: Any) -> str:
        css = ' class="num"' if j in numeric else ""
        return f"<{tag}{css}>{e(str(value))}</{tag}>"

    head = "".join(cell("th", j, h) for j, h in enumerate(headers))
    body = "".join(
        "<tr>" + "".join(cell("td", j, v) for j, v in enumerate(row)) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>#|"})


def md_escape(text: Any) -> str:
    """Escape Markdown syntax in report text so a report cannot inject links or markup.

    Examples
    --------
    >>> md_escape("[NIMI] *kiire* <b>")
    '\\\\[NIMI\\\\] \\\\*kiire\\\\* \\\\<b\\\\>'
    """
    return " ".join(str(text).split()).translate(_MD_SPECIAL)


def render_markdown(blocks: list[Block]) -> str:
    """The report as Markdown; charts are linked from the ``charts/`` folder."""
    out: list[str] = []
    for block in blocks:
        kind, data = block.kind, block.data
        if kind == "heading":
            out.append("#" * block.level + " " + md_escape(data))
        elif kind == "para":
            text = md_escape(data)
            out.append(f"**{text}**" if block.extra.get("class") == "label" else text)
        elif kind == "note":
            out.append(f"*{md_escape(data)}*")
        elif kind == "list":
            out.append("\n".join(f"- {md_escape(item)}" for item in data))
        elif kind == "index":
            # heading anchors differ between Markdown renderers: the list names, not links
            out.append("\n".join(f"- {md_escape(text)}" for text, _anchor in data))
        elif kind == "quotes":
            out.append(
                "\n\n".join(
                    f"> {md_escape(text)}  \n> — {md_escape(ref)}" for text, ref, _lang in data
                )
            )
        elif kind in ("figures", "facts"):
            out.append("\n".join(f"- **{md_escape(k)}**: {md_escape(v)}" for k, v in data))
        elif kind == "table":
            numeric = block.extra.get("numeric", [])
            lines = ["| " + " | ".join(md_escape(h) for h in data) + " |"]
            lines.append(
                "|" + "|".join("---:" if j in numeric else "---" for j in range(len(data))) + "|"
            )
            lines += ["| " + " | ".join(md_escape(v) for v in row) + " |" for row in block.rows]
            out.append("\n".join(lines))
        elif kind == "image":
            caption = md_escape(block.extra.get("caption", data))
            out.append(f"![{caption}]({CHARTS_FOLDER}/{data}.png)")
    return "\n\n".join(out) + "\n"
