"""REFI-QDA codebook export (``.qdc``): themes, §11 points and sectors as codes.

The REFI-QDA Codebook standard (namespace ``urn:QDA-XML:codebook:1.0``) is read by NVivo,
ATLAS.ti, MAXQDA and QualCoder, so analysts can go on coding in their own tool. The file holds
one ``CodeBook`` with ``Codes``: three non-codable group codes (themes, §11, sectors) whose
children are the codable codes, each with a ``Description`` (keywords, size, definition), and
``Sets`` grouping the codes of each group. GUIDs are UUID5 from stable keys, so the same theme
or category gets the same GUID in every export.
"""

from __future__ import annotations

import os
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import TYPE_CHECKING, Any

from socanalysis.export import summaries
from socanalysis.export.contract import OUTLIER_THEME_ID
from socanalysis.export.labels import (
    UiText,
    category_descriptions,
    category_labels,
    check_language,
)
from socanalysis.export.parts import clean_cell

if TYPE_CHECKING:
    import pandas as pd

NAMESPACE = "urn:QDA-XML:codebook:1.0"
#: Root of every GUID this module makes (uuid5 of a key under it).
GUID_ROOT = uuid.uuid5(uuid.NAMESPACE_URL, "https://socanalysis/refi-qda")
_GROUP_COLOURS = {"themes": "#0072B2", "shl": "#E69F00", "sectors": "#009E73"}


def stable_guid(key: str) -> str:
    """A GUID that is the same for the same key in every run.

    Examples
    --------
    >>> stable_guid("shl:3") == stable_guid("shl:3") != stable_guid("shl:4")
    True
    """
    return str(uuid.uuid5(GUID_ROOT, key))


def write_qdc(
    themes: pd.DataFrame | None,
    shl_taxonomy: Any,
    sector_taxonomy: Any,
    path: str | os.PathLike[str],
    language: str = "fi",
    *,
    origin: str = "socanalysis",
) -> Path:
    """Write a REFI-QDA codebook.

    Parameters
    ----------
    themes : DataFrame or None
        The themes table (``theme_id``, ``label_fi``, ``label_sv``, keywords, ``n_reports``...).
        The outlier theme (-1) is left out: it is not a code.
    shl_taxonomy, sector_taxonomy : mapping, taxonomy object or None
        ``key -> label`` or ``key -> {"label": {...}, "description": {...}}`` or a taxonomy
        object (see :func:`socanalysis.export.labels.category_labels`).
    path : path
        The ``.qdc`` file to write.
    language : str
        Language of code names and descriptions: fi, sv or en.
    origin : str
        The ``origin`` attribute of the codebook.

    Returns
    -------
    Path

    Examples
    --------
    >>> import tempfile, pathlib, pandas as pd
    >>> themes = pd.DataFrame({"theme_id": [0], "label_fi": ["Asuminen"], "label_sv": ["Boende"],
    ...     "keywords_fi": ["vuokra"], "keywords_sv": ["hyra"], "n_reports": [4]})
    >>> out = write_qdc(themes, {"2": "asuminen"}, {"kela": "Kela"},
    ...                 pathlib.Path(tempfile.mkdtemp()) / "codes.qdc")
    >>> root = ET.parse(out).getroot()
    >>> [c.get("name") for c in root.iter(f"{{{NAMESPACE}}}Code")][:2]
    ['Teemat', '0 Asuminen']
    """
    check_language(language)
    ui = UiText(language)
    ET.register_namespace("", NAMESPACE)
    root = ET.Element(_q("CodeBook"), {"origin": origin})
    codes = ET.SubElement(root, _q("Codes"))
    groups: dict[str, list[str]] = {}

    theme_group = _code(codes, "group:themes", ui("report", "themes"), False, "themes")
    groups["themes"] = []
    ordered = summaries.themes_in_order(themes) if themes is not None else None
    if ordered is not None and not ordered.empty:
        for theme in ordered.to_dict("records"):
            theme_id = int(theme["theme_id"])
            if theme_id == OUTLIER_THEME_ID:
                continue
            key = f"theme:{theme_id}"
            name = f"{theme_id} {summaries.theme_name(theme, language)}"
            _code(theme_group, key, name, True, "themes", _theme_description(theme, ui))
            groups["themes"].append(key)

    for group, source, title in (
        ("shl", shl_taxonomy, ui("sheets", "shl")),
        ("sectors", sector_taxonomy, ui("columns", "top_sectors")),
    ):
        parent = _code(codes, f"group:{group}", title, False, group)
        groups[group] = []
        labels = category_labels(source, language)
        descriptions = category_descriptions(source, language)
        for key, label in labels.items():
            code_key = f"{group}:{key}"
            name = f"§11.{key} {label}" if group == "shl" else label
            description = descriptions.get(key) or ""
            if group == "sectors":
                description = f"[{key}] {description}".strip()
            _code(parent, code_key, name, True, group, description)
            groups[group].append(code_key)

    sets = ET.SubElement(root, _q("Sets"))
    titles = {
        "themes": ui("report", "themes"),
        "shl": ui("sheets", "shl"),
        "sectors": ui("columns", "top_sectors"),
    }
    for group, members in groups.items():
        item = ET.SubElement(
            sets, _q("Set"), {"guid": stable_guid(f"set:{group}"), "name": titles[group]}
        )
        for member in members:
            ET.SubElement(item, _q("MemberCode"), {"guid": stable_guid(member)})
    if not any(groups.values()):
        root.remove(sets)  # the schema wants at least one Set inside Sets

    ET.indent(root, space="  ")
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    text = ET.tostring(root, encoding="unicode")
    target.write_text('<?xml version="1.0" encoding="UTF-8"?>\n' + text + "\n", encoding="utf-8")
    return target


def _q(tag: str) -> str:
    return f"{{{NAMESPACE}}}{tag}"


def _code(
    parent: ET.Element,
    key: str,
    name: str,
    codable: bool,
    group: str,
    description: str = "",
) -> ET.Element:
    attrs = {
        "guid": stable_guid(key),
        "name": clean_cell(name),
        "isCodable": "true" if codable else "false",
        "color": _GROUP_COLOURS[group],
    }
    element = ET.SubElement(parent, _q("Code"), attrs)
    if description:
        ET.SubElement(element, _q("Description")).text = clean_cell(description)
    return element


def _theme_description(theme: dict[str, Any], ui: UiText) -> str:
    lines = []
    for lang in ("fi", "sv"):
        label = clean_cell(theme.get(f"label_{lang}"))
        keywords = clean_cell(theme.get(f"keywords_{lang}"))
        if summaries.is_borrowed(label) and not keywords:
            continue  # the other language's words, given again with a mark
        if label or keywords:
            lines.append(f"{lang}: {label}" + (f" — {keywords}" if keywords else ""))
    n = theme.get("n_reports")
    if n is not None and n == n:
        lines.append(f"{ui('columns', 'n_reports')}: {int(n)}")
    for column, title in (("top_shl", "top_shl"), ("top_sectors", "top_sectors")):
        keys = summaries.split_keys(theme.get(column))
        if keys:
            lines.append(f"{ui('columns', title)}: {', '.join(keys)}")
    return "\n".join(lines)
