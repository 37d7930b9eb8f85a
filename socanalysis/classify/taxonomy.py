"""Category taxonomies (§11 support needs, administrative sectors) loaded from data files.

A taxonomy is a YAML or JSON file with a ``name``, the ``languages`` it covers and a list of
``categories``; each category has a unique ``key``, a ``label`` and a ``description`` per language,
``keywords`` per language (lemma forms) and optionally ``statute`` text, ``includes`` /
``excludes`` notes and ``aliases`` used to read what reporters typed. Two files ship with the
package: ``shl11`` (Social Welfare Act 1301/2014 §11) and ``sectors`` (the default sector list,
which a county replaces by giving the path of its own file).

Examples
--------
>>> tax = load_taxonomy("shl11")
>>> tax.keys[:3]
['1', '2', '3']
>>> tax.label("2", "sv")
'boende'
>>> tax.parse_reported("§11 kohta 2, taloudellinen tuki")
['2', '3']
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from socanalysis.errors import ConfigError

__all__ = [
    "BUILTIN_TAXONOMIES",
    "CATEGORY_FIELDS",
    "Category",
    "KEY_SEPARATORS",
    "TOP_FIELDS",
    "Taxonomy",
    "fold",
    "load_taxonomy",
    "taxonomy_from_dict",
]

_HERE = Path(__file__).resolve().parent
BUILTIN_TAXONOMIES: dict[str, Path] = {
    "shl11": _HERE / "shl11.yaml",
    "sectors": _HERE / "sectors.yaml",
}

_FOLD = str.maketrans({"ä": "a", "ö": "o", "å": "a", "é": "e", "ü": "u"})


def fold(text: str) -> str:
    """Lower-case and fold ä/ö/å to a/o/a, because reports are often typed without them.

    >>> fold("Päihde-ÅNGEST")
    'paihde-angest'
    """
    return unicodedata.normalize("NFC", text).lower().translate(_FOLD)


@dataclass(frozen=True)
class Category:
    """One category of a taxonomy; texts are dicts keyed by language code ("fi", "sv")."""

    key: str
    label: dict[str, str]
    description: dict[str, str]
    keywords: dict[str, list[str]]
    statute: dict[str, dict[str, Any]] = field(default_factory=dict)
    includes: dict[str, str] = field(default_factory=dict)
    excludes: dict[str, str] = field(default_factory=dict)
    aliases: list[str] = field(default_factory=list)

    def prototype_texts(self) -> dict[str, list[str]]:
        """Texts that describe the category, per language, for embedding-based matching.

        Exclusion notes are left out on purpose: they name the *other* categories' content.
        """
        out: dict[str, list[str]] = {}
        for lang, desc in self.description.items():
            texts = [f"{self.label[lang]}: {desc}"]
            if lang in self.statute:
                texts.append(f"{self.label[lang]}: {self.statute[lang]['text']}")
            if lang in self.includes:
                texts.append(f"{self.label[lang]}: {self.includes[lang]}")
            kws = self.keywords.get(lang, [])
            if kws:
                texts.append(f"{self.label[lang]}: " + ", ".join(kws[:40]))
            out[lang] = texts
        return out


@dataclass(frozen=True)
class Taxonomy:
    """An ordered set of categories with labels in several languages.

    Parameters
    ----------
    name : str
        Short name, e.g. ``"shl11"``.
    languages : list of str
        Language codes every category has labels, descriptions and keywords for.
    categories : list of Category
        In display order; ``keys`` follows this order.
    title : dict, optional
        Title per language.
    source : str
        Where the data comes from (for the codebook and run.json).
    path : str or None
        File the taxonomy was read from.
    """

    name: str
    languages: list[str]
    categories: list[Category]
    title: dict[str, str] = field(default_factory=dict)
    source: str = ""
    path: str | None = None
    # parse_reported's memory of reporters' texts (the categories never change)
    _parsed: dict[str, list[str]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    # the tables parse_reported reads with, built on its first call
    _reading: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.categories]

    def __len__(self) -> int:
        return len(self.categories)

    @property
    def file_stem(self) -> str:
        """The name as a safe file or folder name part, for the tables and models named after
        the taxonomy: a county's "Pohjanmaa / sektorit 2025" must not become two folders.

        A name that is a built-in one but read from another file gets that file's name too,
        so that a county's ``name: sectors`` does not share ``models/categories-sectors`` with
        the built-in list.

        >>> taxonomy_from_dict({**load_taxonomy("sectors").to_dict(),
        ...     "name": "Pohjanmaa / sektorit 2025"}).file_stem
        'Pohjanmaa_sektorit_2025'
        """
        stem = _safe_stem(self.name)
        if self.name in BUILTIN_TAXONOMIES and not self.is_builtin:
            stem = f"{stem}-{_safe_stem(Path(self.path).stem)}"
        return stem

    @property
    def is_builtin(self) -> bool:
        """Whether this is a list the package ships, read from its own file (a county's file
        may carry a built-in name)."""
        builtin = BUILTIN_TAXONOMIES.get(self.name)
        return builtin is not None and (
            self.path is None or Path(self.path).resolve() == builtin.resolve()
        )

    def category(self, key: str) -> Category:
        """The category with this key; ``ConfigError`` naming the valid keys otherwise."""
        for c in self.categories:
            if c.key == str(key):
                return c
        raise ConfigError(
            f"taxonomy {self.name!r} has no category {key!r}; valid keys: {', '.join(self.keys)}"
        )

    def label(self, key: str, language: str = "fi") -> str:
        """Label of ``key`` in ``language`` (falls back to the first language of the taxonomy)."""
        cat = self.category(key)
        return cat.label.get(language) or cat.label[self.languages[0]]

    def to_dict(self) -> dict[str, Any]:
        """Plain data, the same structure as the file (used to save a model self-contained)."""
        cats = []
        for c in self.categories:
            d: dict[str, Any] = {
                "key": c.key,
                "label": dict(c.label),
                "description": dict(c.description),
                "keywords": {k: list(v) for k, v in c.keywords.items()},
            }
            if c.statute:
                d["statute"] = {k: dict(v) for k, v in c.statute.items()}
            if c.includes:
                d["includes"] = dict(c.includes)
            if c.excludes:
                d["excludes"] = dict(c.excludes)
            if c.aliases:
                d["aliases"] = list(c.aliases)
            cats.append(d)
        return {
            "name": self.name,
            "title": dict(self.title),
            "source": self.source,
            "languages": list(self.languages),
            "categories": cats,
        }

    def fingerprint(self) -> str:
        """SHA-256 of the taxonomy's content (:meth:`to_dict`, keys sorted): changes when a
        key, label, description, keyword or alias does, not when a comment or the layout of
        the file does. run.json records it, so that a later change to a county's file shows.
        """
        import hashlib

        text = json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def run_record(self) -> dict[str, Any]:
        """What run.json records of the taxonomy a run used: name, title, source, file (None
        for a built-in list), keys and :meth:`fingerprint`."""
        is_builtin = self.is_builtin
        return {
            "name": self.name,
            "title": dict(self.title),
            "source": self.source,
            "path": None if is_builtin else self.path,
            "builtin": is_builtin,
            "keys": list(self.keys),
            "sha256": self.fingerprint(),
        }

    # --- reading what reporters typed ---------------------------------------------------------
    def _alias_table(self) -> list[tuple[str, str]]:
        """(folded phrase, key) pairs, longest phrase first so that specific names win."""
        pairs: set[tuple[str, str]] = set()
        for c in self.categories:
            names = [c.key, *c.label.values(), *c.aliases]
            for n in names:
                f = _squash(fold(str(n)))
                if f:
                    pairs.add((f, c.key))
        return sorted(pairs, key=lambda p: (-len(p[0]), p[0], p[1]))

    def names_a_category(self, words: str, within: str, *, alone: bool = True) -> bool:
        """Whether ``words`` (a span of ``within``, e.g. one that looks like a person's name)
        are all words of a category's key, label or alias written out in ``within``
        ("Taloudellinen" of "Taloudellinen tuki"), or are one word that names a category on
        its own ("Socialservice", "Skolan").

        Reporters' choices are masked for personal data before they are read, and a second
        capitalised item of a list reads as a name; this tells a category name from a person.
        A span of several words that are not all written-out category words is no category,
        though one of them may read as one ("Klara Virtanen": *klara*, cope, is §11 point 1).
        ``alone=False`` leaves out the one-word reading: only written-out category words count.

        >>> sectors = load_taxonomy("sectors")
        >>> sectors.names_a_category("Socialservice", "Boende, Socialservice")
        True
        >>> sectors.names_a_category("Matti", "Kela, soita Matti")
        False
        >>> load_taxonomy("shl11").names_a_category("Klara Virtanen", "3, Klara Virtanen")
        False
        """
        folded_words = re.findall(r"\w+", fold(words))
        if not folded_words:
            return False
        text = _squash(fold(within))
        patterns, single = self._reading_tables()
        named: set[str] = set()
        for pattern, phrase, _key in patterns:
            if pattern.search(text):
                named.update(re.findall(r"\w+", phrase))
        if all(w in named for w in folded_words):
            return True
        if len(folded_words) > 1 or not alone:
            return False
        return folded_words[0] in single or bool(self.parse_reported(words))

    def parse_reported(self, value: Any) -> list[str]:
        """Read a reporter's free-form choice into category keys, in the order written.

        Understands numbers ("2, 3", "kohdat 2 ja 3", "§11 kohta 2", "11 § 4 mom.") when the keys
        are numbers, keys, labels and aliases in any language ("Asuminen", "boende", "Kela"),
        separated by commas, semicolons, slashes, line breaks or "ja"/"och". Unknown parts are
        ignored; an empty or missing value gives ``[]``.

        >>> load_taxonomy("shl11").parse_reported("Asuminen; 3")
        ['2', '3']
        >>> load_taxonomy("sectors").parse_reported("Kela / TE-palvelut")
        ['kela', 'employment_services']
        """
        if value is None:
            return []
        if isinstance(value, float) and value != value:  # NaN from pandas
            return []
        if isinstance(value, str):
            # reporters repeat a few choices ("4, 8", "Kela") across thousands of reports, and
            # reading one can lemmatise its words: each distinct text is read once per taxonomy
            memo = self._parsed
            if value not in memo:
                memo[value] = self._parse_text(value)
            return list(memo[value])
        if isinstance(value, (list, tuple)):
            out: list[str] = []
            for v in value:
                for k in self.parse_reported(v):
                    if k not in out:
                        out.append(k)
            return out
        return self._parse_text(str(value))

    def _reading_tables(self) -> tuple[list[tuple[Any, str, str]], dict[str, str]]:
        """The alias patterns and one-word names parse_reported reads with, built once (the
        categories never change): (compiled pattern, phrase, key) longest phrase first, and
        one-word name -> key."""
        if not self._reading:
            aliases = self._alias_table()
            patterns = [
                (re.compile(rf"(?<![\w]){re.escape(phrase)}(?![\w])"), phrase, key)
                for phrase, key in aliases
            ]
            # inflected words ("Skolan", "eftervården", "Kelalta"): their lemmas are compared
            # to one-word names
            single = {p: k for p, k in aliases if " " not in p and not p.isdigit()}
            # last resort: a one-word keyword that only one category lists ("toimeentulotuki")
            owners: dict[str, set[str]] = {}
            for c in self.categories:
                for words in c.keywords.values():
                    for w in words:
                        if " " not in w:
                            owners.setdefault(fold(w), set()).add(c.key)
            for w, ks in owners.items():
                if len(ks) == 1 and w not in single and len(w) > 1:
                    single[w] = next(iter(ks))
            self._reading["patterns"], self._reading["single"] = patterns, single
        return self._reading["patterns"], self._reading["single"]

    def _parse_text(self, value: str) -> list[str]:
        text = _squash(fold(value))
        if not text:
            return []
        numeric = all(k.isdigit() for k in self.keys)
        found: list[tuple[int, str]] = []
        taken = [False] * len(text)
        patterns, single = self._reading_tables()
        for pattern, phrase, key in patterns:
            if numeric and phrase.isdigit():
                continue  # numbers are read below, after removing the paragraph number
            for m in pattern.finditer(text):
                if any(taken[m.start() : m.end()]):
                    continue
                for i in range(m.start(), m.end()):
                    taken[i] = True
                found.append((m.start(), key))
        # simplemma is loaded only when something is left unread
        for m in re.finditer(r"[^\W\d_]+(?:-[^\W\d_]+)*", text):
            if any(taken[m.start() : m.end()]):
                continue
            key = _lemma_alias(m.group(0), self.languages, single)
            if key is not None:
                found.append((m.start(), key))
        if numeric:
            rest = "".join(" " if t else ch for ch, t in zip(text, taken, strict=False))
            # "§ 11", "11 §", "shl 11", "11 mom" name the paragraph, not a point
            rest = re.sub(
                r"(§\s*11|11\s*§|shl\s*11|sosiaalihuoltolaki\s*11|11\s*pyk\w*)", " ", rest
            )
            rest = re.sub(r"\b\d+\s*(mom|moment)\w*", " ", rest)
            for m in re.finditer(r"(?<![\d.,])\d{1,2}(?![\d])", rest):
                if m.group(0) in self.keys:
                    found.append((m.start(), m.group(0)))
        found.sort()
        keys: list[str] = []
        for _, k in found:
            if k not in keys:
                keys.append(k)
        return keys


def _lemma_alias(word: str, languages: list[str], single: dict[str, str]) -> str | None:
    """The key whose one-word name is the lemma of ``word`` in one of ``languages``."""
    # the shared memory-mapped dictionaries: simplemma's own would load ~430 MB a second time
    from socanalysis.nlp import dictionaries

    folded = fold(word)
    if folded in single:
        return single[folded]
    for lang in languages:
        try:
            lemma = fold(dictionaries.lemmatize(word, lang=lang))
        except ValueError:  # a language simplemma does not know
            continue
        if lemma in single:
            return single[lemma]
    # Swedish definite forms of compounds simplemma does not know (eftervården, hemvården)
    for suffix in ("arna", "erna", "orna", "ar", "er", "or", "en", "et", "na", "n", "t"):
        if folded.endswith(suffix) and folded[: -len(suffix)] in single:
            return single[folded[: -len(suffix)]]
    if "-" in folded:  # "mt-palvelut", "TE-toimisto": the abbreviation names the sector
        return _lemma_alias(folded.split("-", 1)[0], languages, single)
    return None


def _safe_stem(text: str) -> str:
    """``text`` with every run of characters other than letters, digits, ``.``, ``-`` and
    ``_`` (path separators, spaces, ``:``) replaced by ``_``."""
    return re.sub(r"[^\w.-]+", "_", text).strip("._") or "taxonomy"


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# --- loading and validation ------------------------------------------------------------------
_REQUIRED_TOP = ("name", "languages", "categories")
_REQUIRED_CAT = ("key", "label", "description", "keywords")
#: every field a taxonomy file may have, at the top level and in a category: anything else is
#: a misspelling ("alias:" for "aliases:") whose content would otherwise be lost without a word
TOP_FIELDS = ("name", "title", "source", "languages", "categories")
CATEGORY_FIELDS = (
    "key", "label", "description", "keywords", "statute", "includes", "excludes", "aliases",
)  # fmt: skip
#: characters a key may not hold, because the outputs and their readers split keys on them:
#: ";" joins keys (reports.csv, themes.csv, review cells), ":" joins a key to its score
#: (sector_scores), "," and "/" separate choices in reviewers' and reporters' cells, and a
#: line break separates them in a spreadsheet cell
KEY_SEPARATORS = (";", ":", ",", "/", "\n", "\r", "\t")
#: what YAML 1.1 reads as true/false when not quoted
_YAML_BOOLEANS = "on/off/yes/no/true/false"


def load_taxonomy(path_or_name: str | Path | Taxonomy) -> Taxonomy:
    """Load and validate a taxonomy by built-in name (``"shl11"``, ``"sectors"``) or file path.

    Parameters
    ----------
    path_or_name : str, Path or Taxonomy
        A built-in name, a ``.yaml``/``.yml``/``.json`` file, or an already loaded taxonomy
        (returned as is).

    Returns
    -------
    Taxonomy

    Raises
    ------
    ConfigError
        When the file is missing or unreadable, or a field is missing, unknown, of the wrong
        type or given twice, a key holds a separator the outputs split on, or two categories
        share a name; the message names the file, the category and the field, and what to do.

    Examples
    --------
    >>> len(load_taxonomy("sectors"))
    18
    """
    if isinstance(path_or_name, Taxonomy):
        return path_or_name
    name = str(path_or_name)
    if name in BUILTIN_TAXONOMIES:
        path = BUILTIN_TAXONOMIES[name]
    else:
        path = Path(name).expanduser()
        if not path.exists():
            raise ConfigError(
                f"taxonomy {name!r} is neither a built-in name "
                f"({', '.join(BUILTIN_TAXONOMIES)}) nor an existing file "
                f"(looked for {path.absolute()})"
            )
    data = _parse_file(path, _read_text(path))
    return taxonomy_from_dict(data, source=str(path))


def _read_text(path: Path) -> str:
    """The file's text, or a ``ConfigError`` saying which encoding it seems to be saved in."""
    where = f"taxonomy file {path}"
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read {where}: {exc.strerror or exc}") from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ConfigError(
            f"{where} is saved as UTF-16 (Unicode); save it as UTF-8 (in Notepad: Save as, "
            "Encoding: UTF-8)"
        )
    try:
        # utf-8-sig: Notepad's "UTF-8 with BOM" is UTF-8 too
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError(
            f"{where}: line {line} is not UTF-8 (byte 0x{raw[exc.start]:02x}, e.g. ä or ö saved "
            "as Windows-1252/Latin-1 by Notepad or Excel); save the file as UTF-8 (in Notepad: "
            "Save as, Encoding: UTF-8)"
        ) from None


def _parse_file(path: Path, text: str) -> Any:
    """The file's data, read as JSON for a ``.json`` file and as YAML otherwise."""
    where = f"taxonomy file {path}"
    if not text.strip() or all(
        not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()
    ):
        raise ConfigError(
            f"{where} is empty (or holds only comments); it needs the fields "
            f"{', '.join(_REQUIRED_TOP)} (see docs/categories.md, Taxonomy files)"
        )
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text, object_pairs_hook=lambda pairs: _json_object(where, pairs))
        except json.JSONDecodeError as exc:
            if not text.lstrip().startswith(("{", "[")):
                raise ConfigError(
                    f"{where} ends in .json, so it is read as JSON, but it does not start with "
                    "'{': if it is written in YAML, rename it to .yaml"
                ) from None
            raise ConfigError(
                f"{where} is not valid JSON: line {exc.lineno}, column {exc.colno}: {exc.msg}"
            ) from None
    return _parse_yaml(where, text)


def _json_object(where: str, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object, refusing a field given twice (``json`` would keep the last silently)."""
    out: dict[str, Any] = {}
    for name, value in pairs:
        if name in out:
            # the object's own key names the category when the repeated field is one of its
            at = f"category {out['key']!r}: " if isinstance(out.get("key"), (str, int)) else ""
            raise ConfigError(
                f"{where}: {at}field {name!r} is given twice in one object (the second would "
                "replace the first); keep one"
            )
        out[name] = value
    return out


def _parse_yaml(where: str, text: str) -> Any:
    """YAML data; syntax errors and fields given twice named by line, with what to do."""
    import yaml

    for number, line in enumerate(text.splitlines(), start=1):
        indent = line[: len(line) - len(line.lstrip())]
        if "\t" in indent:
            raise ConfigError(
                f"{where}: line {number} is indented with a tab; YAML allows only spaces, "
                "replace the tab with spaces (the same number as the lines above it)"
            )
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _refuse_repeated_fields(where, node)
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        at = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        raise ConfigError(
            f"{where} is not valid YAML: {at}{exc.problem or exc.context}; check the "
            "indentation there (spaces, each field of a category at the same depth) and put "
            "texts that hold ': ', ', ' in {...} or start with a special character in quotes"
        ) from None
    except yaml.YAMLError as exc:  # not marked: the parser's own words, on one line
        raise ConfigError(f"{where} is not valid YAML: {' '.join(str(exc).split())}") from None
    finally:
        loader.dispose()


def _refuse_repeated_fields(where: str, node: Any, at: str = "") -> None:
    """A field given twice in one mapping (the later would silently replace the first)."""
    import yaml

    if isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            inner = at
            if at == "field 'categories'" and isinstance(item, yaml.MappingNode):
                keys = [v.value for k, v in item.value if k.value == "key" and hasattr(v, "value")]
                inner = f"category {keys[0]!r}" if keys else f"category #{i + 1}"
            _refuse_repeated_fields(where, item, inner)
        return
    if not isinstance(node, yaml.MappingNode):
        return
    seen: set[Any] = set()
    for key_node, value_node in node.value:
        field_name = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if field_name is not None and field_name in seen:
            inside = f"{at}: " if at else ""
            raise ConfigError(
                f"{where}: line {key_node.start_mark.line + 1}: {inside}field {field_name!r} is "
                "given twice (the second would replace the first); keep one"
            )
        seen.add(field_name)
        inner = f"{at}: field {field_name!r}" if at else f"field {field_name!r}"
        _refuse_repeated_fields(where, value_node, inner)


def taxonomy_from_dict(data: Any, source: str = "<dict>") -> Taxonomy:
    """Validate plain data (as read from a taxonomy file) and build a :class:`Taxonomy`.

    ``source`` names the file in error messages.
    """
    where = f"taxonomy file {source}"
    if data is None:
        raise ConfigError(f"{where} is empty; it needs the fields {', '.join(_REQUIRED_TOP)}")
    if not isinstance(data, dict):
        raise ConfigError(
            f"{where}: the top level must be a mapping with the fields "
            f"{', '.join(_REQUIRED_TOP)}, not a {type(data).__name__}"
        )
    _refuse_unknown_fields(data, TOP_FIELDS, f"{where}: at the top level")
    for f in _REQUIRED_TOP:
        if f not in data:
            raise ConfigError(f"{where}: required field {f!r} is missing at the top level")
    name = data["name"]
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{where}: field 'name' must be a non-empty string{_quote_hint(name)}")
    langs = data["languages"]
    if not isinstance(langs, list) or not langs or not all(isinstance(x, str) and x for x in langs):
        raise ConfigError(
            f"{where}: field 'languages' must be a non-empty list of language codes such as "
            f"[fi, sv]{_quote_hint(langs)}"
        )
    cats_raw = data["categories"]
    if not isinstance(cats_raw, list) or not cats_raw:
        raise ConfigError(f"{where}: field 'categories' must be a non-empty list")
    seen: set[str] = set()
    cats: list[Category] = []
    for i, c in enumerate(cats_raw):
        if not isinstance(c, dict):
            raise ConfigError(f"{where}: category #{i + 1} must be a mapping")
        if "key" not in c:
            raise ConfigError(f"{where}: category #{i + 1}: required field 'key' is missing")
        key = c["key"]
        if isinstance(key, bool) or not isinstance(key, (str, int)) or not str(key).strip():
            raise ConfigError(
                f"{where}: category #{i + 1}: field 'key' must be a string{_quote_hint(key)}"
            )
        key = str(key).strip()
        at = f"{where}: category {key!r}"
        bad = [s for s in KEY_SEPARATORS if s in key]
        if bad:
            shown = " ".join(repr(s)[1:-1] for s in KEY_SEPARATORS if s.strip())
            raise ConfigError(
                f"{at}: field 'key' must not contain {' '.join(repr(s)[1:-1] for s in bad)} "
                f"(the outputs and their readers split keys on {shown} and line breaks); write "
                "the key without them, e.g. with a space or '-', and keep the full name in "
                "'label'"
            )
        if key in seen:
            raise ConfigError(f"{at}: duplicate key (keys must be unique)")
        seen.add(key)
        _refuse_unknown_fields(c, CATEGORY_FIELDS, at)
        for f in _REQUIRED_CAT:
            if f not in c:
                raise ConfigError(f"{at}: required field {f!r} is missing")
        label = _label_texts(c["label"], langs, f"{at}: field 'label'")
        desc = _lang_texts(c["description"], langs, f"{at}: field 'description'")
        kw = _lang_lists(c["keywords"], langs, f"{at}: field 'keywords'")
        statute: dict[str, dict[str, Any]] = {}
        if c.get("statute") is not None:
            if not isinstance(c["statute"], dict):
                raise ConfigError(f"{at}: field 'statute' must map language -> {{text, verified}}")
            for lang, st in c["statute"].items():
                if not isinstance(st, dict) or not isinstance(st.get("text"), str):
                    raise ConfigError(f"{at}: field 'statute.{lang}.text' must be a string")
                if not isinstance(st.get("verified"), bool):
                    raise ConfigError(
                        f"{at}: field 'statute.{lang}.verified' must be true or false "
                        "(mark text not checked against the enacted wording as false)"
                    )
                statute[str(lang)] = {"text": st["text"].strip(), "verified": st["verified"]}
        includes = _opt_texts(c.get("includes"), f"{at}: field 'includes'")
        excludes = _opt_texts(c.get("excludes"), f"{at}: field 'excludes'")
        aliases = c.get("aliases") or []
        if not isinstance(aliases, list) or not all(
            isinstance(a, (str, int)) and not isinstance(a, bool) for a in aliases
        ):
            hint = _quote_hint(aliases) if isinstance(aliases, list) else ""
            raise ConfigError(
                f"{at}: field 'aliases' must be a list of texts, e.g. [Kela, FPA]{hint}"
            )
        cats.append(
            Category(
                key=key,
                label=label,
                description=desc,
                keywords=kw,
                statute=statute,
                includes=includes,
                excludes=excludes,
                aliases=[str(a) for a in aliases],
            )
        )
    _refuse_shared_names(cats, where)
    title = data.get("title") or {}
    if not isinstance(title, dict):
        raise ConfigError(f"{where}: field 'title' must map language -> text")
    return Taxonomy(
        name=name.strip(),
        languages=list(langs),
        categories=cats,
        title={str(k): str(v) for k, v in title.items()},
        source=str(data.get("source", "")),
        path=None if source.startswith("<") else source,
    )


def _refuse_unknown_fields(fields: dict[Any, Any], known: tuple[str, ...], at: str) -> None:
    """A misspelt or unknown field, named with the closest known one and the valid fields."""
    import difflib

    unknown = [f for f in fields if f not in known]
    if not unknown:
        return
    field_name = unknown[0]
    close = difflib.get_close_matches(str(field_name), known, n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise ConfigError(
        f"{at}: unknown field {field_name!r}{hint}; the fields are {', '.join(known)}"
    )


def _refuse_shared_names(cats: list[Category], where: str) -> None:
    """Two categories one name could mean: keys, labels and aliases equal after folding.

    A reporter's "Kela" is read as the category whose key, label or alias it is; were two
    categories to share one (``kela`` and ``Kela``, ``ikäihmisten`` and ``ikaihmisten``, an
    alias ``kela`` of another sector), the choice would go to whichever sorts first.
    """
    owner: dict[str, tuple[str, str, str]] = {}
    for c in cats:
        names = [("key", c.key)]
        names += [(f"label ({lang})", text) for lang, text in c.label.items()]
        names += [("alias", str(a)) for a in c.aliases]
        for field_name, text in names:
            folded = _squash(fold(text))
            if not folded:
                continue
            first = owner.setdefault(folded, (c.key, field_name, text))
            if first[0] != c.key:
                raise ConfigError(
                    f"{where}: category {c.key!r}: {field_name} {text!r} is the same name as "
                    f"{first[1]} {first[2]!r} of category {first[0]!r} (compared without case "
                    "and ä/ö/å), so a reporter's choice could not be told apart; rename or "
                    "remove one of them"
                )


def _quote_hint(value: Any) -> str:
    """What to do when YAML read a value that is not text: unquoted on/no/yes become true/false."""
    if isinstance(value, bool) or (
        isinstance(value, list) and any(isinstance(v, bool) for v in value)
    ):
        return (
            f"; YAML reads unquoted {_YAML_BOOLEANS} as true/false, so put the value in quotes "
            '(e.g. key: "on", languages: [fi, "no"])'
        )
    return ""


def _lang_texts(value: Any, langs: list[str], where: str) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where} must map each language ({', '.join(langs)}) to a text")
    out = {}
    for lang in langs:
        v = value.get(lang)
        if not isinstance(v, str) or not v.strip():
            raise ConfigError(
                f"{where}: language {lang!r} is missing or not a non-empty string{_quote_hint(v)}"
            )
        out[lang] = " ".join(v.split())
    return out


def _label_texts(value: Any, langs: list[str], where: str) -> dict[str, str]:
    """A label in every language of the taxonomy, and in any other language it is given in.

    Descriptions and keywords are needed in the report languages only; a label in one more
    language (``en``) is what the outputs show when they are written in it.
    """
    out = _lang_texts(value, langs, where)
    for lang, text in value.items():
        if lang in out:
            continue
        if not isinstance(lang, str) or not lang.strip() or not isinstance(text, str):
            # {fi: terveys-, mielenterveys- ja päihdepalvelut}: the comma ends the text, and
            # the rest reads as a language with no text
            hint = (
                '; a label that holds a comma must be in quotes, e.g. {fi: "a, b ja c"}'
                if text is None and isinstance(lang, str) and " " in lang.strip()
                else _quote_hint(text)
            )
            raise ConfigError(f"{where}: language {lang!r} must map to a text{hint}")
        if text.strip():
            out[lang.strip()] = " ".join(text.split())
    return out


def _lang_lists(value: Any, langs: list[str], where: str) -> dict[str, list[str]]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where} must map each language ({', '.join(langs)}) to a list of words")
    out = {}
    for lang in langs:
        v = value.get(lang)
        if not isinstance(v, list) or not v:
            raise ConfigError(f"{where}: language {lang!r} must be a non-empty list of words")
        words = []
        for w in v:
            if not isinstance(w, (str, int)) or isinstance(w, bool) or not str(w).strip():
                raise ConfigError(
                    f"{where}: language {lang!r} has an empty or non-text entry {w!r}"
                    f"{_quote_hint(w)}"
                )
            words.append(" ".join(str(w).split()))
        dup = sorted({w for w in words if words.count(w) > 1})
        if dup:
            raise ConfigError(f"{where}: language {lang!r} repeats {', '.join(dup)}")
        out[lang] = words
    return out


def _opt_texts(value: Any, where: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ConfigError(f"{where} must map language -> text")
    return {str(k): " ".join(v.split()) for k, v in value.items()}
