"""The text policy: what a string the API accepts may hold, and how a stored string is made safe for a document.

Input (JSON bodies, query strings and paths, import cells, upload form fields):

- normalised to Unicode NFC, so "ế" typed on two keyboards is one value (search, uniqueness, sorting agree);
- refused, with a field error, when it holds a character no document can carry or that disguises text:
  C0 controls other than tab, line feed and carriage return, DEL, C1 controls, lone surrogates, the
  non-characters U+FFFE/U+FFFF, and the bidirectional embedding/override/isolate controls U+202A-U+202E,
  U+2066-U+2069 ("Trojan source": they make a name or code read differently from what it is). Nothing is
  stripped silently: the sender learns which field to fix.

Output (DOCX, XLSX, CSV): :func:`for_document` drops the same characters from whatever a row holds, so a row
stored before this policy (or written around the API) can never break an export.
"""

import re
import unicodedata
from dataclasses import dataclass

import yaml

_CONTROL = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_XML_INVALID = "\ud800-\udfff\ufffe\uffff"
_BIDI = "\u202a-\u202e\u2066-\u2069"
FORBIDDEN = re.compile(f"[{_CONTROL}{_XML_INVALID}{_BIDI}]")
_BIDI_RE = re.compile(f"[{_BIDI}]")


@dataclass(frozen=True)
class TextProblem:
    """Why a string was refused: a stable ``code`` and the messages an officer and a developer read."""

    code: str
    message: str
    message_en: str


def problem(value: str) -> TextProblem | None:
    """The first reason ``value`` breaks the policy, or ``None``."""
    found = FORBIDDEN.search(value)
    if found is None:
        return None
    char = found.group()
    where = f"U+{ord(char):04X} ở vị trí {found.start() + 1}"
    if _BIDI_RE.match(char):
        return TextProblem(
            "bidi_control",
            f"Có ký tự điều khiển chiều văn bản ({where}); hãy gõ lại giá trị, không dán từ nguồn lạ.",
            f"Bidirectional control character {where.replace(' ở vị trí ', ' at position ')} is not allowed.",
        )
    return TextProblem(
        "control_character",
        f"Có ký tự điều khiển không hiển thị được ({where}); hãy xóa ký tự đó rồi gửi lại.",
        f"Control or non-character {where.replace(' ở vị trí ', ' at position ')} is not allowed.",
    )


def normalise(value: str) -> str:
    """NFC, the one form every stored string takes."""
    return value if value.isascii() else unicodedata.normalize("NFC", value)


def for_document(value: str) -> str:
    """A stored string made safe for an XML document or a spreadsheet cell: forbidden characters dropped."""
    return FORBIDDEN.sub("", value) if FORBIDDEN.search(value) else value


MAX_DOCUMENT_DEPTH = 64
MAX_DOCUMENT_NODES = 500_000
# libyaml's parser: linear in the input and refuses nesting past 1,000 levels (the pure-Python scanner is
# quadratic in the flow nesting depth: a 200 KB "[[[[…" takes minutes).
YAML_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(source: str) -> object:
    """``yaml.safe_load`` through libyaml when available (same safe constructors, bounded nesting)."""
    return yaml.load(source, Loader=YAML_LOADER)  # noqa: S506 - a SafeLoader (C or Python), never the full one


def document_problem(data: object, *, strings: bool = True) -> TextProblem | None:
    """A parsed JSON/YAML document checked as a whole: nesting ≤ ``MAX_DOCUMENT_DEPTH``, at most
    ``MAX_DOCUMENT_NODES`` values visited (a YAML alias bomb is small as text and huge as a tree), and every string
    (keys too) within the policy. Iterative: a deep document cannot exhaust the stack here."""
    stack: list[tuple[object, int]] = [(data, 0)]
    visited = 0
    while stack:
        value, depth = stack.pop()
        visited += 1
        if depth > MAX_DOCUMENT_DEPTH or visited > MAX_DOCUMENT_NODES:
            return TextProblem(
                "document_too_deep",
                f"Tệp lồng nhau quá sâu hoặc có quá nhiều phần tử (tối đa {MAX_DOCUMENT_DEPTH} cấp).",
                f"The document nests deeper than {MAX_DOCUMENT_DEPTH} levels or holds too many values.",
            )
        if isinstance(value, str):
            if strings and (found := problem(value)) is not None:
                return found
        elif isinstance(value, dict):
            stack.extend((k, depth + 1) for k in value)
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
    return None
