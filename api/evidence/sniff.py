"""Type detection for evidence files (tài liệu kiểm chứng) from their bytes, never from name or client MIME.

Allowed: PDF, JPEG, PNG, DOCX, XLSX, ODT, ODS, plain ZIP archives whose every member is itself a PDF, JPEG
or PNG, and legacy Word/Excel files (DOC, XLS). Every ZIP-based file is checked against zip-bomb limits before
anything is decompressed, and member heads are read with bounded decompression only.

A legacy Office file is an OLE2 compound file; it is accepted only when all of this holds (:func:`_classify_ole`):
the compound file's header, sector tables and directory parse (``olefile``); it holds no macro storage
(``Macros``, ``_VBA_PROJECT_CUR``, ``VBA``) and is not an encrypted OOXML package (``EncryptedPackage``); and
either a ``WordDocument`` stream starting with the Word file-information block's identifier (0xA5EC) whose
"encrypted" flag is clear (DOC), or a ``Workbook``/``Book`` stream starting with a BIFF beginning-of-file
record for workbook globals and holding no FILEPASS (password) record before the globals end (XLS). Anything
else in such a file (PowerPoint, Outlook messages, installers) is refused. Nothing of the content is run or
rendered.
"""

import os
import re
import stat
import struct
import zipfile
import zlib
from dataclasses import dataclass
from typing import BinaryIO

import olefile

ALLOWED_NAMES = "PDF, DOC, DOCX, XLS, XLSX, ODT, ODS, JPEG, PNG, ZIP"
_MIB = 1024 * 1024
_HEAD_BYTES = 16
_CONTENT_TYPES = "[Content_Types].xml"
_CONTENT_TYPES_MAX = _MIB
_ODF_MIMETYPE_MAX = 128


@dataclass(frozen=True)
class DetectedType:
    """What a file is: canonical MIME type, extension (no dot) and a Vietnamese label for display."""

    mime: str
    extension: str
    label: str


PDF = DetectedType("application/pdf", "pdf", "Tài liệu PDF")
JPEG = DetectedType("image/jpeg", "jpg", "Ảnh JPEG")
PNG = DetectedType("image/png", "png", "Ảnh PNG")
DOCX = DetectedType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", "Văn bản Word (DOCX)"
)
XLSX = DetectedType(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", "Bảng tính Excel (XLSX)"
)
ODT = DetectedType("application/vnd.oasis.opendocument.text", "odt", "Văn bản OpenDocument (ODT)")
ODS = DetectedType("application/vnd.oasis.opendocument.spreadsheet", "ods", "Bảng tính OpenDocument (ODS)")
ZIP = DetectedType("application/zip", "zip", "Tệp nén ZIP")
DOC = DetectedType("application/msword", "doc", "Văn bản Word 97–2003 (DOC)")
XLS = DetectedType("application/vnd.ms-excel", "xls", "Bảng tính Excel 97–2003 (XLS)")
ALLOWED_TYPES: tuple[DetectedType, ...] = (PDF, DOC, DOCX, XLS, XLSX, ODT, ODS, JPEG, PNG, ZIP)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_WORD_IDENT = 0xA5EC
_WORD_ENCRYPTED = 0x0100  # FibBase.fEncrypted
_BIFF_BOF = (0x0809, 0x0409, 0x0209, 0x0009)  # BIFF8/5, BIFF4, BIFF3, BIFF2 beginning of file
_BIFF_GLOBALS = 0x0005
_BIFF_FILEPASS, _BIFF_EOF = 0x002F, 0x000A
_BIFF_SCAN = 256 * 1024  # the globals' first records: FILEPASS, when present, comes right after BOF
_OLE_MACROS = {"macros", "_vba_project_cur", "vba"}
_ODF_TYPES = {t.mime.encode(): t for t in (ODT, ODS)}


class UnsupportedType(Exception):
    """The content is not an allowed type; ``message`` (Vietnamese) says what it is, ``message_en`` too."""

    status = 415
    code = "evidence_type_not_allowed"

    def __init__(self, reason: str, reason_en: str) -> None:
        self.reason = reason
        self.reason_en = reason_en
        self.message = f"Loại tệp không được phép: {reason}. Chỉ chấp nhận {ALLOWED_NAMES}."
        self.message_en = f"File type not allowed: {reason_en}. Only {ALLOWED_NAMES} are accepted."
        super().__init__(self.message_en)


class ZipBombSuspected(UnsupportedType):
    """A ZIP-based file exceeds the decompression limits (entries, total size, ratio, overlapping entries)."""

    code = "evidence_zip_bomb_suspected"

    def __init__(self, reason: str, reason_en: str) -> None:
        super().__init__(reason, reason_en)
        self.message = f"Tệp nén bị từ chối vì nghi ngờ là bom giải nén (zip bomb): {reason}."
        self.message_en = f"Archive refused as a suspected zip bomb: {reason_en}."
        self.args = (self.message_en,)


@dataclass(frozen=True)
class ZipLimits:
    """Decompression limits for ZIP-based files.

    The ratio limit applies to entries declaring at least ``ratio_min_size`` bytes: a tiny XML part may
    compress very well without being dangerous, and the total-size limit still covers many of them.
    """

    max_entries: int = 10_000
    max_total_uncompressed: int = 500 * _MIB
    max_ratio: float = 200.0
    ratio_min_size: int = _MIB


DEFAULT_ZIP_LIMITS = ZipLimits()


def detect(
    source: str | os.PathLike[str] | BinaryIO, *, limits: ZipLimits = DEFAULT_ZIP_LIMITS
) -> DetectedType:
    """Identify an allowed file type from its content or raise :class:`UnsupportedType`.

    ``source`` is a path or a seekable binary file; a file is read from its start and its position restored.
    Raises :class:`ZipBombSuspected` (a subclass) when a ZIP-based file breaks ``limits``.
    """
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as f:
            return _detect_stream(f, limits)
    position = source.tell()
    try:
        source.seek(0)
        return _detect_stream(source, limits)
    finally:
        source.seek(position)


def _detect_stream(f: BinaryIO, limits: ZipLimits) -> DetectedType:
    head = f.read(_HEAD_BYTES)
    found = _magic_type(head)
    if found is not None:
        return found
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _detect_zip(f, limits)
    if head.startswith(OLE_MAGIC):
        return _classify_ole(f)
    raise UnsupportedType(*_describe(head))


def _magic_type(head: bytes) -> DetectedType | None:
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    return None


_KNOWN_REFUSED: tuple[tuple[tuple[bytes, ...], str, str], ...] = (
    ((b"MZ",), "tệp thực thi Windows (EXE/DLL)", "Windows executable (EXE/DLL)"),
    ((b"\x7fELF",), "tệp thực thi ELF (Linux)", "ELF executable"),
    (
        (
            b"\xfe\xed\xfa\xce",
            b"\xfe\xed\xfa\xcf",
            b"\xce\xfa\xed\xfe",
            b"\xcf\xfa\xed\xfe",
            b"\xca\xfe\xba\xbe",
        ),
        "tệp thực thi macOS/Java",
        "Mach-O or Java class executable",
    ),
    ((b"#!",), "tập lệnh (script)", "script"),
    ((b"Rar!\x1a\x07", b"7z\xbc\xaf\x27\x1c", b"\x1f\x8b"), "tệp nén RAR/7z/GZIP", "RAR/7z/GZIP archive"),
    ((b"GIF8",), "ảnh GIF", "GIF image"),
)
_MARKUP = re.compile(rb"\s*<(!doctype|html|head|body|script|svg|\?xml|iframe)", re.IGNORECASE)


def _describe(head: bytes) -> tuple[str, str]:
    """A (Vietnamese, English) description of refused content, for the error message."""
    if not head:
        return "tệp rỗng", "empty file"
    for magics, vi, en in _KNOWN_REFUSED:
        if head.startswith(magics):
            return vi, en
    if _MARKUP.match(head.removeprefix(b"\xef\xbb\xbf")):
        return "trang HTML/XML/SVG", "HTML/XML/SVG markup"
    return "không nhận dạng được định dạng", "unrecognised format"


def _detect_zip(f: BinaryIO, limits: ZipLimits) -> DetectedType:
    try:
        _precount_entries(f, limits)
        with zipfile.ZipFile(f) as archive:
            return _classify_zip(archive, limits)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        EOFError,
        ValueError,
        struct.error,
        NotImplementedError,
        OverflowError,
    ) as exc:
        raise UnsupportedType(
            "tệp ZIP bị hỏng hoặc không đọc được", "corrupt or unreadable ZIP archive"
        ) from exc


def _precount_entries(f: BinaryIO, limits: ZipLimits) -> None:
    """Count central-directory headers without building them, before ``zipfile`` allocates one per entry.

    The directory is located the way ``zipfile`` does (just before the end record), and the headers are
    walked rather than trusting the declared count.
    """
    end = f.seek(0, os.SEEK_END)
    tail_len = min(end, 22 + 65535)
    f.seek(end - tail_len)
    tail = f.read(tail_len)
    pos = tail.rfind(b"PK\x05\x06")
    if pos < 0 or len(tail) - pos < 22:
        raise zipfile.BadZipFile("no end of central directory record")
    eocd_at = end - tail_len + pos
    cd_size = struct.unpack("<L", tail[pos + 12 : pos + 16])[0]
    cd_end = eocd_at
    if eocd_at >= 20:
        f.seek(eocd_at - 20)
        if f.read(4) == b"PK\x06\x07" and eocd_at >= 76:
            f.seek(eocd_at - 76)
            record = f.read(56)
            if record[:4] != b"PK\x06\x06":
                raise zipfile.BadZipFile("corrupt ZIP64 end record")
            cd_size = struct.unpack("<Q", record[40:48])[0]
            cd_end = eocd_at - 76
    cd_start = cd_end - cd_size
    if cd_start < 0:
        raise zipfile.BadZipFile("central directory starts before the file")
    f.seek(cd_start)
    remaining, count = cd_size, 0
    while remaining > 0:
        header = f.read(46)
        if len(header) < 46 or header[:4] != b"PK\x01\x02":
            raise zipfile.BadZipFile("bad central directory header")
        name_len, extra_len, comment_len = struct.unpack("<3H", header[28:34])
        f.seek(name_len + extra_len + comment_len, os.SEEK_CUR)
        remaining -= 46 + name_len + extra_len + comment_len
        count += 1
        if count > limits.max_entries:
            raise ZipBombSuspected(
                f"có hơn {limits.max_entries} mục trong tệp nén", f"more than {limits.max_entries} entries"
            )


def _classify_zip(archive: zipfile.ZipFile, limits: ZipLimits) -> DetectedType:
    infos = archive.infolist()
    _check_entries(infos, limits)
    names = {info.filename for info in infos}
    if "mimetype" in names:
        return _classify_odf(archive)
    if _CONTENT_TYPES in names:
        return _classify_ooxml(archive, names)
    return _classify_plain(archive, infos)


def _check_entries(infos: list[zipfile.ZipInfo], limits: ZipLimits) -> None:
    if len(infos) > limits.max_entries:
        raise ZipBombSuspected(
            f"có hơn {limits.max_entries} mục trong tệp nén", f"more than {limits.max_entries} entries"
        )
    if not infos:
        raise UnsupportedType("tệp nén rỗng", "empty archive")
    names: set[str] = set()
    offsets: set[int] = set()
    total = 0
    for info in infos:
        shown = _shown(info.filename)
        _check_name(info, names)
        if info.flag_bits & 0x1:
            raise UnsupportedType(
                f"tệp “{shown}” trong tệp nén được đặt mật khẩu", f"member '{shown}' is encrypted"
            )
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise UnsupportedType(
                f"tệp “{shown}” dùng phương thức nén không hỗ trợ",
                f"member '{shown}' uses an unsupported method",
            )
        if info.header_offset in offsets:
            raise ZipBombSuspected("các mục trong tệp nén chồng lên nhau", "overlapping entries")
        offsets.add(info.header_offset)
        total += info.file_size
        if total > limits.max_total_uncompressed:
            raise ZipBombSuspected(
                f"tổng dung lượng giải nén vượt {limits.max_total_uncompressed // _MIB} MB",
                f"total uncompressed size exceeds {limits.max_total_uncompressed} bytes",
            )
        if info.file_size >= limits.ratio_min_size and info.file_size > limits.max_ratio * max(
            info.compress_size, 1
        ):
            raise ZipBombSuspected(
                f"tệp “{shown}” có tỉ lệ nén vượt {limits.max_ratio:g}:1",
                f"member '{shown}' exceeds the compression ratio {limits.max_ratio:g}:1",
            )


def _check_name(info: zipfile.ZipInfo, seen: set[str]) -> None:
    name = info.filename
    shown = _shown(name)
    posix = name.replace("\\", "/")
    if posix.startswith("/") or re.match(r"[A-Za-z]:", posix) or ".." in posix.split("/"):
        raise UnsupportedType(
            f"đường dẫn không an toàn “{shown}” trong tệp nén", f"unsafe path '{shown}' in archive"
        )
    if info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16):
        raise UnsupportedType(
            f"liên kết tượng trưng “{shown}” trong tệp nén", f"symbolic link '{shown}' in archive"
        )
    if name in seen:
        raise UnsupportedType(f"tên “{shown}” lặp lại trong tệp nén", f"duplicate entry '{shown}' in archive")
    seen.add(name)


def _read_head(archive: zipfile.ZipFile, info: zipfile.ZipInfo, n: int) -> bytes:
    # ZipExtFile.read(n) decompresses at most about max(n, 4 KiB) per step and never past the declared size.
    with archive.open(info) as member:
        return member.read(n)


def _classify_odf(archive: zipfile.ZipFile) -> DetectedType:
    mimetype = _read_head(archive, archive.getinfo("mimetype"), _ODF_MIMETYPE_MAX)
    found = _ODF_TYPES.get(mimetype)
    if found is None:
        raise UnsupportedType(
            "tài liệu OpenDocument không phải văn bản (ODT) hay bảng tính (ODS)",
            "OpenDocument file that is neither ODT nor ODS",
        )
    return found


def _classify_ooxml(archive: zipfile.ZipFile, names: set[str]) -> DetectedType:
    content_types = _read_head(archive, archive.getinfo(_CONTENT_TYPES), _CONTENT_TYPES_MAX + 1)
    has_macros = b"macroenabled" in content_types.lower() or any(
        name.lower().endswith("vbaproject.bin") for name in names
    )
    if len(content_types) > _CONTENT_TYPES_MAX:
        raise UnsupportedType(
            "tài liệu Office có cấu trúc bất thường", "Office document with an abnormal structure"
        )
    if has_macros:
        raise UnsupportedType("tài liệu Office có chứa macro", "Office document containing macros")
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    raise UnsupportedType(
        "tài liệu Office Open XML không phải Word hay Excel (ví dụ PowerPoint)",
        "Office Open XML document other than Word or Excel (e.g. PowerPoint)",
    )


def _classify_plain(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> DetectedType:
    files = [info for info in infos if not info.is_dir()]
    if not files:
        raise UnsupportedType("tệp nén rỗng", "empty archive")
    for info in files:
        head = _read_head(archive, info, _HEAD_BYTES)
        if _magic_type(head) is None:
            vi, en = (
                ("tệp nén ZIP lồng bên trong", "nested ZIP") if head.startswith(b"PK") else _describe(head)
            )
            shown = _shown(info.filename)
            raise UnsupportedType(f"tệp “{shown}” trong tệp nén: {vi}", f"member '{shown}': {en}")
    return ZIP


def _shown(name: str) -> str:
    return name if len(name) <= 80 else name[:77] + "..."


# --- legacy Office (OLE2 compound files) ----------------------------------------------------------------------


def _classify_ole(f: BinaryIO) -> DetectedType:
    """DOC or XLS, verified as the module docstring says; otherwise :class:`UnsupportedType`."""
    f.seek(0)
    try:
        with olefile.OleFileIO(f) as ole:
            entries = ole.listdir(streams=True, storages=True)
            if any(part.lower() in _OLE_MACROS for path in entries for part in path):
                raise UnsupportedType("tài liệu Office có chứa macro", "Office document containing macros")
            if ole.exists("EncryptedPackage"):
                raise UnsupportedType(
                    "tài liệu Office được đặt mật khẩu", "password-protected Office document"
                )
            if ole.exists("WordDocument"):
                return _check_word(ole.openstream("WordDocument").read(12))
            for name in ("Workbook", "Book"):
                if ole.exists(name):
                    return _check_excel(ole.openstream(name).read(_BIFF_SCAN))
    except UnsupportedType:
        raise
    except Exception as exc:  # olefile raises many kinds on a malformed file: all are a refusal
        raise UnsupportedType(
            "tài liệu Office định dạng cũ (DOC/XLS) bị hỏng hoặc không đọc được",
            "corrupt or unreadable legacy Office (DOC/XLS) document",
        ) from exc
    raise UnsupportedType(
        "tài liệu Office định dạng cũ không phải Word (DOC) hay Excel (XLS) (ví dụ PowerPoint, Outlook)",
        "legacy Office file other than Word (DOC) or Excel (XLS) (e.g. PowerPoint, Outlook)",
    )


def _check_word(fib: bytes) -> DetectedType:
    if len(fib) < 12 or struct.unpack_from("<H", fib, 0)[0] != _WORD_IDENT:
        raise UnsupportedType("tài liệu Word định dạng cũ bị hỏng", "corrupt legacy Word document")
    if struct.unpack_from("<H", fib, 10)[0] & _WORD_ENCRYPTED:
        raise UnsupportedType("tài liệu Word được đặt mật khẩu", "password-protected Word document")
    return DOC


def _check_excel(data: bytes) -> DetectedType:
    if len(data) < 8:
        raise UnsupportedType("bảng tính Excel định dạng cũ bị hỏng", "corrupt legacy Excel workbook")
    kind, size = struct.unpack_from("<HH", data, 0)
    if kind not in _BIFF_BOF or size < 4 or struct.unpack_from("<H", data, 6)[0] != _BIFF_GLOBALS:
        raise UnsupportedType("bảng tính Excel định dạng cũ bị hỏng", "corrupt legacy Excel workbook")
    pos = 4 + size
    while pos + 4 <= len(data):
        kind, size = struct.unpack_from("<HH", data, pos)
        if kind == _BIFF_FILEPASS:
            raise UnsupportedType("bảng tính Excel được đặt mật khẩu", "password-protected Excel workbook")
        if kind == _BIFF_EOF:
            break
        pos += 4 + size
    return XLS
