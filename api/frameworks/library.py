"""Framework library: the file format of an index framework (bộ chỉ số), its validation, files and dumps.

A framework is PAR INDEX, SIPAS or a province's own index (bộ chỉ số cấp sở/huyện/xã). Point tables
change with each decision of Bộ Nội vụ or of a province, so they live in versioned data files (one
framework per YAML or JSON file, format in ``framework.schema.json``), never in code. This module is pure
Python: no database access.

The models live in :mod:`api.frameworks.document`, the error type in :mod:`api.frameworks.errors`, the checks
in :mod:`api.frameworks.validation`; this module re-exports what other packages use.

Entry points: :func:`parse_document` (dict → :class:`FrameworkDoc`, collecting *all* errors),
:func:`load_file`, :func:`parse_text`, :func:`dump_document` (canonical dict, lossless round trip),
:func:`shipped_files`, :func:`tree_order`, :func:`fold_accents`.
"""

import json
import unicodedata
from pathlib import Path
from typing import Any, Literal

import yaml

from api.frameworks.document import (
    DATA_DIR,
    SCHEMA_PATH,
    SUM_TOLERANCE,
    FormulaSpec,
    FrameworkDoc,
    FrameworkMeta,
    NodeDoc,
    RankingBand,
    Threshold,
    natural_key,
    tree_order,
)
from api.frameworks.errors import FrameworkValidationError, NodeError, node_error
from api.frameworks.validation import parse_document
from api.text import document_problem, load_yaml

__all__ = [
    "DATA_DIR",
    "SCHEMA_PATH",
    "SUM_TOLERANCE",
    "FormulaSpec",
    "FrameworkDoc",
    "FrameworkMeta",
    "FrameworkValidationError",
    "NodeDoc",
    "NodeError",
    "RankingBand",
    "Threshold",
    "band_for",
    "dump_document",
    "dump_json",
    "dump_yaml",
    "fold_accents",
    "formula_points",
    "load_file",
    "load_shipped",
    "natural_key",
    "parse_document",
    "parse_text",
    "shipped_files",
    "tree_order",
]

# ----------------------------------------------------------------------------------------------------
# Files, dumping, helpers
# ----------------------------------------------------------------------------------------------------

# Keys kept in the canonical dump even when null, because null carries meaning there (no parent, points
# unknown, still in force, open-ended band). Other null optional fields are left out.
_KEEP_NULL_META = {"valid_to_year"}
_KEEP_NULL_BAND = {"min_percent", "max_percent"}
_KEEP_NULL_NODE = {"parent", "max_points"}


def _prune(values: dict[str, Any], keep: set[str]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None or k in keep}


def dump_document(doc: FrameworkDoc) -> dict[str, Any]:
    """Canonical plain dict: fixed key order, nodes in tree order; ``parse_document`` gives ``doc`` back."""
    meta = _prune(doc.framework.model_dump(mode="json"), _KEEP_NULL_META)
    meta["ranking_bands"] = [_prune(b, _KEEP_NULL_BAND) for b in meta["ranking_bands"]]
    nodes = [_prune(n.model_dump(mode="json"), _KEEP_NULL_NODE) for n in tree_order(doc.nodes)]
    for n in nodes:
        if n.get("scoring"):
            rule = _prune(n["scoring"], set())
            if rule.get("options"):
                rule["options"] = [_prune(o, set()) for o in rule["options"]]
            n["scoring"] = rule
    if meta.get("applicability") is None:
        meta.pop("applicability", None)
    return {"format_version": doc.format_version, "framework": meta, "nodes": nodes}


def dump_yaml(doc: FrameworkDoc) -> str:
    """YAML text of the canonical dict (UTF-8 text, Vietnamese kept readable)."""
    return yaml.safe_dump(dump_document(doc), allow_unicode=True, sort_keys=False, width=110)


def dump_json(doc: FrameworkDoc) -> str:
    """JSON text of the canonical dict."""
    return json.dumps(dump_document(doc), ensure_ascii=False, indent=2) + "\n"


def _read_error(vi: str, en: str) -> FrameworkValidationError:
    return FrameworkValidationError([node_error("unreadable_file", vi, en)])


def parse_text(text: str, fmt: Literal["yaml", "json"]) -> FrameworkDoc:
    """Parse YAML or JSON text (e.g. an uploaded file) and validate it with :func:`parse_document`."""
    try:
        data = json.loads(text) if fmt == "json" else load_yaml(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise _read_error(
            f"Không đọc được nội dung {fmt.upper()}: {exc}", f"Cannot read {fmt.upper()} text: {exc}"
        ) from exc
    except RecursionError as exc:  # nesting deeper than the interpreter's stack
        raise _read_error("Tệp lồng nhau quá sâu.", "The document nests too deeply.") from exc
    if (problem := document_problem(data)) is not None:
        raise _read_error(problem.message, problem.message_en)
    return parse_document(data)


def load_file(path: str | Path) -> FrameworkDoc:
    """Load one framework file; ``.yaml``/``.yml`` is read as YAML, ``.json`` as JSON."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in (".yaml", ".yml", ".json"):
        raise _read_error(
            f"Tệp {p.name}: chỉ hỗ trợ .yaml, .yml hoặc .json.", f"{p.name}: only .yaml, .yml or .json files."
        )
    return parse_text(p.read_text(encoding="utf-8"), "json" if suffix == ".json" else "yaml")


def shipped_files() -> list[Path]:
    """The framework files shipped with parsipas (``api/frameworks/data``), sorted by name."""
    return sorted(p for p in DATA_DIR.iterdir() if p.suffix.lower() in (".yaml", ".yml", ".json"))


def load_shipped() -> list[FrameworkDoc]:
    """All shipped frameworks, parsed and validated."""
    return [load_file(p) for p in shipped_files()]


def fold_accents(text: str) -> str:
    """Lower-case and strip Vietnamese diacritics (đ → d) for accent-insensitive search."""
    text = text.replace("đ", "d").replace("Đ", "D")
    stripped = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped).lower()


def formula_points(formula: FormulaSpec, numerator: float, denominator: float) -> float | None:
    """Points earned by a ratio criterion; ``None`` when the denominator is 0 (nothing to measure)."""
    if denominator <= 0:
        return None
    ratio = numerator / denominator
    for step in sorted(formula.thresholds, key=lambda t: t.min_ratio, reverse=True):
        if ratio + 1e-12 >= step.min_ratio:
            return step.points
    return 0.0


def band_for(meta: FrameworkMeta, percent: float) -> RankingBand | None:
    """The ranking band (nhóm xếp loại) of a result in percent; min inclusive, max exclusive."""
    for band in meta.ranking_bands:
        if (band.min_percent is None or percent >= band.min_percent) and (
            band.max_percent is None or percent < band.max_percent
        ):
            return band
    return None
