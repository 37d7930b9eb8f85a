"""Any SentenceTransformer model, loaded strictly offline, as an :class:`Embedder`.

The model is looked up, in order, as a path (absolute, or relative to the working folder),
under the models folder (``$SOCANALYSIS_MODELS_DIR``, else ``./models``) by its full name, by
its name with ``/`` replaced by ``__``, and by its last path part, and finally in the Hugging Face
cache. Nothing is downloaded: ``HF_HUB_OFFLINE`` is set before the hub libraries are imported.

Prefixes: a model's own non-empty prompts win; otherwise the first matching rule in
``embed_models.yaml`` applies (e5 models get ``"query: "`` / ``"passage: "``, e5-instruct models an
``"Instruct: ...\\nQuery: "`` line on queries only).

Examples
--------
>>> prefixes_for("intfloat/multilingual-e5-base")
{'query': 'query: ', 'passage': 'passage: '}
>>> prefixes_for("sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2")
{'query': '', 'passage': ''}
"""

from __future__ import annotations

import hashlib
import os
import re
from importlib import metadata
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from socanalysis.errors import ConfigError
from socanalysis.nlp.embed_cache import EmbeddingCache
from socanalysis.nlp.embeddings import Embedder, _registry

MODELS_ENV = "SOCANALYSIS_MODELS_DIR"
_OFFLINE_VARS = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE")


def prefixes_for(model: str) -> dict[str, str]:
    """Return the ``{"query": ..., "passage": ...}`` prefixes the rules give ``model``."""
    for rule in _registry()["prefix_rules"]:
        if re.search(rule["pattern"], model, flags=re.IGNORECASE):
            task = rule.get("task", "")
            return {k: rule.get(k, "").replace("{task}", task) for k in ("query", "passage")}
    return {"query": "", "passage": ""}


def force_offline() -> None:
    """Make the Hugging Face libraries refuse network access, even if imported already."""
    for var in _OFFLINE_VARS:
        os.environ[var] = "1"
    import sys

    constants = sys.modules.get("huggingface_hub.constants")
    if constants is not None:  # imported before us: its flag was read at import time
        constants.HF_HUB_OFFLINE = True


def models_dir() -> Path:
    """Folder searched for local models: ``$SOCANALYSIS_MODELS_DIR`` or ``./models``."""
    return Path(os.environ.get(MODELS_ENV) or "models").expanduser()


def _is_model_dir(path: Path) -> bool:
    return path.is_dir() and ((path / "modules.json").exists() or (path / "config.json").exists())


def _fingerprint(path: Path) -> str:
    """Short hash of the file names, sizes and modification times in a model folder."""
    h = hashlib.sha256()
    for f in sorted(p for p in path.rglob("*") if p.is_file()):
        st = f.stat()
        h.update(f"{f.relative_to(path)}\x1f{st.st_size}\x1f{st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:12]


def resolve_model(model: str, search_dir: str | os.PathLike[str] | None = None) -> tuple[Path, str]:
    """Find ``model`` on disk; return its folder and an id that changes when the model does.

    Raises
    ------
    ConfigError
        The model is not available offline; the message says how to make it available.
    """
    base = Path(search_dir).expanduser() if search_dir else models_dir()
    candidates = [Path(model).expanduser()]
    if not Path(model).is_absolute():
        candidates += [base / model, base / model.replace("/", "__"), base / Path(model).name]
    for path in candidates:
        if _is_model_dir(path):
            path = path.resolve()
            return path, f"{model}@local:{_fingerprint(path)}"
    snapshot = _hub_snapshot(model)
    if snapshot is not None:
        return snapshot, f"{model}@{snapshot.name}"
    looked = ", ".join(str(p) for p in candidates)
    raise ConfigError(
        f"sentence-transformers model {model!r} is not available offline (looked in {looked} "
        "and the Hugging Face cache). Nothing is downloaded at run time. Either copy the model "
        f"folder to {base / model.replace('/', '__')} (or set {MODELS_ENV}), or pre-download it "
        'on a networked machine with: python -c "from sentence_transformers import '
        f"SentenceTransformer; SentenceTransformer('{model}')\" and copy ~/.cache/huggingface "
        "to this machine."
    )


def _hub_snapshot(model: str) -> Path | None:
    if model.count("/") > 1 or model.startswith((".", "/", "~")):
        return None  # a path, not a hub repository id
    force_offline()
    try:
        from huggingface_hub import snapshot_download

        path = Path(snapshot_download(repo_id=model, local_files_only=True))
    except Exception:
        return None
    return path if _is_model_dir(path) else None


class SentenceTransformerEmbedder(Embedder):
    """A SentenceTransformer model found offline; see :class:`Embedder` for common parameters.

    Parameters
    ----------
    model : str
        Hub name (``intfloat/multilingual-e5-base``) or a path to a saved model folder.
    models_dir : str or Path, optional
        Where to look for local models instead of ``$SOCANALYSIS_MODELS_DIR`` / ``./models``.
    device : str
        Torch device; ``"cpu"`` by default so results do not depend on the machine.

    Notes
    -----
    Torch pads each batch to its longest text, so vectors may differ in the last float bits
    between batch sizes; the default batch size (32) is fixed for that reason.
    """

    backend: ClassVar[str] = "sentence-transformers"
    default_batch_size: ClassVar[int] = 32

    def __init__(
        self,
        model: str,
        *,
        cache: EmbeddingCache | None = None,
        batch_size: int | None = None,
        num_threads: int | None = None,
        models_dir: str | os.PathLike[str] | None = None,
        device: str = "cpu",
    ) -> None:
        super().__init__(cache=cache, batch_size=batch_size, num_threads=num_threads)
        self._explicit_threads = num_threads is not None
        self.model = model
        self.device = device
        self.path_, self._model_id = resolve_model(model, models_dir)
        self._model: Any = None
        self._dim: int | None = _dim_from_config(self.path_)
        # known without loading the model, so a cache hit never imports torch
        own = {k: v for k, v in _prompts_from_config(self.path_).items() if v}
        rules = prefixes_for(model)
        self.prefixes: dict[str, str] = {
            "query": own.get("query", rules["query"]),
            "passage": own.get("passage", own.get("document", rules["passage"])),
        }

    @property
    def name(self) -> str:
        return f"sentence-transformers:{self.model}"

    @property
    def model_id(self) -> str:
        return self._model_id

    @property
    def version(self) -> str:
        return metadata.version("sentence-transformers")

    @property
    def dim(self) -> int:
        if self._dim is None:
            self._load()
        assert self._dim is not None
        return self._dim

    @property
    def is_loaded(self) -> bool:
        return self._model is not None

    def _dim_for_cache(self) -> int:
        if self._dim is None and self.cache is not None:
            self._dim = self.cache.known_dim(self.cache_namespace)
        return self.dim

    @property
    def cache_namespace(self) -> str:
        # prefixes change the vectors, so they are part of the key (rules may be edited)
        digest = hashlib.sha256(repr(sorted(self.prefixes.items())).encode()).hexdigest()[:8]
        return f"{self.backend}:{self.model_id}:p{digest}"

    def info(self) -> dict[str, Any]:
        return {**super().info(), "path": str(self.path_), "prefixes": dict(self.prefixes)}

    def _load(self) -> None:
        if self._model is not None:
            return
        force_offline()
        import torch
        from sentence_transformers import SentenceTransformer

        if self._explicit_threads:
            torch.set_num_threads(self.num_threads)
        try:
            model = SentenceTransformer(str(self.path_), device=self.device, local_files_only=True)
        except Exception as exc:
            raise ConfigError(
                f"sentence-transformers model {self.model!r} at {self.path_} could not be "
                f"loaded offline: {exc}"
            ) from exc
        self._model = model
        self._dim = int(model.get_embedding_dimension())

    def _encode_batch(self, texts: list[str], kind: str) -> np.ndarray:
        self._load()
        prefix = self.prefixes[kind]
        return self._model.encode(
            [prefix + t for t in texts],
            batch_size=len(texts),
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )


def _read_json(path: Path) -> Any:
    import json

    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _prompts_from_config(path: Path) -> dict[str, str]:
    config = _read_json(path / "config_sentence_transformers.json")
    prompts = config.get("prompts") if isinstance(config, dict) else None
    return {str(k): str(v) for k, v in prompts.items()} if isinstance(prompts, dict) else {}


def _dim_from_config(path: Path) -> int | None:
    """Embedding size when the module list ends in a Pooling layer, else ``None``."""
    modules = _read_json(path / "modules.json")
    if not isinstance(modules, list) or not modules:
        return None
    layers = [m for m in modules if isinstance(m, dict) and "Normalize" not in str(m.get("type"))]
    last = layers[-1] if layers else {}
    if "Pooling" not in str(last.get("type")):
        return None  # a Dense or static layer decides the size: ask the loaded model
    config = _read_json(path / str(last.get("path", "")) / "config.json")
    if not isinstance(config, dict):
        return None
    # sentence-transformers < 6 writes word_embedding_dimension, 6.x embedding_dimension
    for key in ("embedding_dimension", "word_embedding_dimension"):
        if isinstance(config.get(key), int):
            return int(config[key])
    return None
