import contextlib
import io
import struct
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.evidence.sniff import (
    DOCX,
    JPEG,
    ODS,
    ODT,
    PDF,
    PNG,
    XLSX,
    ZIP,
    UnsupportedType,
    ZipBombSuspected,
    ZipLimits,
    detect,
)

PDF_BYTES = b"%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"
ELF_BYTES = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56


def _png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


PNG_BYTES = _png_bytes()


def _docx_bytes() -> bytes:
    document = Document()
    document.add_paragraph("Tài liệu kiểm chứng")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _xlsx_bytes() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(["Chỉ số", 1])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _odf_bytes(mimetype: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<office:document-content/>", compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", "<manifest:manifest/>", compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _detect_bytes(data: bytes, tmp_path: Path, name: str = "upload.bin", **kw: ZipLimits) -> object:
    path = tmp_path / name
    path.write_bytes(data)
    return detect(path, **kw)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (PDF_BYTES, PDF),
        (JPEG_BYTES, JPEG),
        (PNG_BYTES, PNG),
        (_docx_bytes(), DOCX),
        (_xlsx_bytes(), XLSX),
        (_odf_bytes("application/vnd.oasis.opendocument.text"), ODT),
        (_odf_bytes("application/vnd.oasis.opendocument.spreadsheet"), ODS),
        (_zip({"bao-cao.pdf": PDF_BYTES, "anh/chup.png": PNG_BYTES, "anh/": b""}), ZIP),
    ],
    ids=["pdf", "jpeg", "png", "docx", "xlsx", "odt", "ods", "zip"],
)
def test_allowed_types(data: bytes, expected: object, tmp_path: Path) -> None:
    assert _detect_bytes(data, tmp_path) == expected
    assert detect(io.BytesIO(data)) == expected


def test_name_is_ignored(tmp_path: Path) -> None:
    assert _detect_bytes(PDF_BYTES, tmp_path, "report.exe") == PDF
    with pytest.raises(UnsupportedType):
        _detect_bytes(EXE_BYTES, tmp_path, "report.pdf")


def test_file_position_is_restored() -> None:
    f = io.BytesIO(b"junk" + PDF_BYTES)
    f.seek(4)
    with pytest.raises(UnsupportedType):  # read from the start, so the leading junk counts
        detect(f)
    assert f.tell() == 4
    g = io.BytesIO(_docx_bytes())
    g.seek(10)
    assert detect(g) == DOCX
    assert g.tell() == 10


def test_refusal_messages(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedType) as info:
        _detect_bytes(EXE_BYTES, tmp_path, "report.pdf")
    assert not isinstance(info.value, ZipBombSuspected)
    assert info.value.message.startswith("Loại tệp không được phép: tệp thực thi Windows")
    assert info.value.message.endswith("Chỉ chấp nhận PDF, DOC, DOCX, XLS, XLSX, ODT, ODS, JPEG, PNG, ZIP.")
    assert "Windows executable" in info.value.message_en
    assert info.value.status == 415


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (ELF_BYTES, "ELF"),
        (b"<!DOCTYPE html><html><script>alert(1)</script>", "HTML"),
        (b"\xef\xbb\xbf  <svg onload='x'/>", "SVG"),
        (b"#!/bin/sh\nrm -rf /\n", "script"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "DOC/XLS"),
        (b"Rar!\x1a\x07\x00", "RAR"),
        (b"", "rỗng"),
        (b"just some text", "không nhận dạng"),
        (b"PK\x03\x04 not really a zip", "hỏng"),
    ],
)
def test_refused_content(data: bytes, reason: str, tmp_path: Path) -> None:
    with pytest.raises(UnsupportedType) as info:
        _detect_bytes(data, tmp_path, "looks-fine.pdf")
    assert reason in info.value.message


def test_zip_member_types(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedType) as info:
        _detect_bytes(_zip({"ok.pdf": PDF_BYTES, "setup.exe": EXE_BYTES}), tmp_path)
    assert "setup.exe" in info.value.message and "thực thi" in info.value.message

    with pytest.raises(UnsupportedType, match="nested ZIP"):
        _detect_bytes(_zip({"inner.zip": _zip({"a.pdf": PDF_BYTES})}), tmp_path)
    # Office files are ZIPs too, so a ZIP of DOCX files counts as nested.
    with pytest.raises(UnsupportedType, match="nested ZIP"):
        _detect_bytes(_zip({"a.docx": _docx_bytes()}), tmp_path)
    with pytest.raises(UnsupportedType, match="empty"):
        _detect_bytes(_zip({"only-a-dir/": b""}), tmp_path)
    with pytest.raises(UnsupportedType, match="member 'note.txt'"):
        _detect_bytes(_zip({"a.pdf": PDF_BYTES, "note.txt": b"hello"}), tmp_path)


@pytest.fixture(scope="module")
def zip_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One member of 600 MB (a PDF header then zeros), compressed to well under 1 MB."""
    path = tmp_path_factory.mktemp("bomb") / "bomb.zip"
    zeros = b"\x00" * (1024 * 1024)
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("report.pdf", "w", force_zip64=True) as member,
    ):
        member.write(b"%PDF-1.4\n")
        for _ in range(600):
            member.write(zeros)
    return path


def test_zip_bomb_is_refused(zip_bomb: Path) -> None:
    assert zip_bomb.stat().st_size < 2 * 1024 * 1024
    with zipfile.ZipFile(zip_bomb) as archive:
        assert archive.infolist()[0].file_size > 600 * 1024 * 1024
    with pytest.raises(ZipBombSuspected) as info:
        detect(zip_bomb)
    assert isinstance(info.value, UnsupportedType)
    assert "zip bomb" in info.value.message


def test_member_heads_are_read_with_bounded_decompression(zip_bomb: Path) -> None:
    # With the limits lifted the bomb is a ZIP of one "PDF": only its head may be decompressed.
    lifted = ZipLimits(max_total_uncompressed=10**12, max_ratio=10**9)
    tracemalloc.start()
    try:
        assert detect(zip_bomb, limits=lifted) == ZIP
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * 1024 * 1024


def test_compression_ratio_limit(tmp_path: Path) -> None:
    data = _zip({"scan.pdf": b"%PDF-" + b"\x00" * (20 * 1024 * 1024)})  # ~1000:1, 20 MB: under the total
    with pytest.raises(ZipBombSuspected, match="ratio"):
        _detect_bytes(data, tmp_path)
    assert _detect_bytes(data, tmp_path, limits=ZipLimits(max_ratio=2000)) == ZIP


def test_total_uncompressed_limit(tmp_path: Path) -> None:
    incompressible = PDF_BYTES + bytes(range(256)) * 2400
    data = _zip({"a.pdf": incompressible, "b.pdf": incompressible}, zipfile.ZIP_STORED)
    assert _detect_bytes(data, tmp_path) == ZIP
    with pytest.raises(ZipBombSuspected, match="total uncompressed"):
        _detect_bytes(data, tmp_path, limits=ZipLimits(max_total_uncompressed=len(incompressible) + 10))


def test_too_many_entries(tmp_path: Path) -> None:
    data = _zip({f"{i}.pdf": PDF_BYTES for i in range(10_001)}, zipfile.ZIP_STORED)
    with pytest.raises(ZipBombSuspected, match="more than 10000 entries"):
        _detect_bytes(data, tmp_path)
    assert _detect_bytes(data, tmp_path, limits=ZipLimits(max_entries=10_001)) == ZIP


def test_entry_count_is_counted_not_trusted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = bytearray(_zip({f"{i}.pdf": PDF_BYTES for i in range(60)}))
    eocd = data.rfind(b"PK\x05\x06")
    data[eocd + 8 : eocd + 12] = struct.pack("<HH", 1, 1)  # claim a single entry
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        assert len(archive.infolist()) == 60  # zipfile ignores the declared count too

    # The count must be refused before zipfile builds one object per entry.
    def no_zipfile(*args: object, **kwargs: object) -> None:
        raise AssertionError("zipfile.ZipFile opened before the entry count was checked")

    monkeypatch.setattr("api.evidence.sniff.zipfile.ZipFile", no_zipfile)
    with pytest.raises(ZipBombSuspected, match="more than 50 entries"):
        _detect_bytes(bytes(data), tmp_path, limits=ZipLimits(max_entries=50))


def test_overlapping_entries(tmp_path: Path) -> None:
    data = bytearray(_zip({"a.pdf": PDF_BYTES, "b.pdf": PDF_BYTES}, zipfile.ZIP_STORED))
    second = data.rfind(b"PK\x01\x02")
    data[second + 42 : second + 46] = struct.pack("<L", 0)  # point b.pdf at a.pdf's data
    with pytest.raises(ZipBombSuspected, match="overlapping"):
        _detect_bytes(bytes(data), tmp_path)


def test_encrypted_member(tmp_path: Path) -> None:
    data = bytearray(_zip({"a.pdf": PDF_BYTES}, zipfile.ZIP_STORED))
    local, central = data.find(b"PK\x03\x04"), data.find(b"PK\x01\x02")
    data[local + 6] |= 0x01
    data[central + 8] |= 0x01
    with pytest.raises(UnsupportedType, match="encrypted"):
        _detect_bytes(bytes(data), tmp_path)


@pytest.mark.parametrize(
    "name", ["../evil.pdf", "a/../../evil.pdf", "/etc/evil.pdf", "C:/evil.pdf", "..\\evil.pdf"]
)
def test_path_traversal(name: str, tmp_path: Path) -> None:
    with pytest.raises(UnsupportedType, match="unsafe path"):
        _detect_bytes(_zip({name: PDF_BYTES}), tmp_path)


def test_symlink_member(tmp_path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        link = zipfile.ZipInfo("link.pdf")
        link.create_system = 3
        link.external_attr = 0o120777 << 16
        archive.writestr(link, "/etc/passwd")
    with pytest.raises(UnsupportedType, match="symbolic link"):
        _detect_bytes(out.getvalue(), tmp_path)


def test_unsupported_compression_method(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedType, match="unsupported method"):
        _detect_bytes(_zip({"a.pdf": PDF_BYTES}, zipfile.ZIP_BZIP2), tmp_path)


def test_office_variants(tmp_path: Path) -> None:
    docm = _zip(
        {
            "[Content_Types].xml": b"<Types/>",
            "word/document.xml": b"<w/>",
            "word/vbaProject.bin": b"\xd0\xcf\x11\xe0",
        }
    )
    with pytest.raises(UnsupportedType, match="macros"):
        _detect_bytes(docm, tmp_path)
    pptx = _zip({"[Content_Types].xml": b"<Types/>", "ppt/presentation.xml": b"<p/>"})
    with pytest.raises(UnsupportedType, match="PowerPoint"):
        _detect_bytes(pptx, tmp_path)
    odp = _odf_bytes("application/vnd.oasis.opendocument.presentation")
    with pytest.raises(UnsupportedType, match="neither ODT nor ODS"):
        _detect_bytes(odp, tmp_path)


_SEED_DOCX = _docx_bytes()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.tuples(st.integers(0, len(_SEED_DOCX) - 1), st.integers(0, 255)), max_size=8),
    st.integers(100, len(_SEED_DOCX)),
)
def test_damaged_zips_are_refused_cleanly(edits: list[tuple[int, int]], keep: int) -> None:
    data = bytearray(_SEED_DOCX[:keep] if keep < len(_SEED_DOCX) else _SEED_DOCX)
    for pos, value in edits:
        if pos < len(data):
            data[pos] = value
    # Either still recognised or refused with UnsupportedType; any other exception fails the test.
    with contextlib.suppress(UnsupportedType):
        assert detect(io.BytesIO(bytes(data))) in (DOCX, ZIP)


# --- legacy Office (OLE2): accepted only when verified (#18) --------------------------------------------------


def test_legacy_word_and_excel_are_accepted_when_verified(tmp_path: Path) -> None:
    from api.evidence.sniff import DOC, XLS
    from tests.evidence import ole2

    assert _detect_bytes(ole2.word(), tmp_path, "bien-ban.doc") == DOC
    assert _detect_bytes(ole2.excel(), tmp_path, "so-lieu.xls") == XLS
    assert detect(io.BytesIO(ole2.word())) == DOC and DOC.mime == "application/msword"
    assert detect(io.BytesIO(ole2.excel())) == XLS and XLS.mime == "application/vnd.ms-excel"


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda o: o.word(encrypted=True), "Word được đặt mật khẩu"),
        (lambda o: o.word(macros=True), "macro"),
        (lambda o: o.excel(password=True), "Excel được đặt mật khẩu"),
        (lambda o: o.excel(macros=True), "macro"),
        (lambda o: o.powerpoint(), "không phải Word (DOC) hay Excel (XLS)"),
        (lambda o: o.word()[:700], "bị hỏng"),  # the header and tables, streams cut off
        (lambda o: o.compound({"WordDocument": b"not a FIB"}), "Word định dạng cũ bị hỏng"),
        (lambda o: o.compound({"Workbook": b"\x00" * 32}), "Excel định dạng cũ bị hỏng"),
        (lambda o: o.compound({"EncryptedPackage": b"\x00" * 32}), "đặt mật khẩu"),
    ],
    ids=[
        "doc-encrypted",
        "doc-macros",
        "xls-password",
        "xls-macros",
        "ppt",
        "truncated",
        "bad-fib",
        "bad-biff",
        "encrypted-ooxml",
    ],  # fmt: skip
)
def test_legacy_office_refusals(make: object, reason: str, tmp_path: Path) -> None:
    from tests.evidence import ole2

    with pytest.raises(UnsupportedType) as info:
        _detect_bytes(make(ole2), tmp_path, "looks-fine.doc")  # type: ignore[operator]
    assert reason in info.value.message, info.value.message


def test_a_doc_inside_a_zip_is_still_refused(tmp_path: Path) -> None:
    """Plain ZIPs hold only PDF, JPEG and PNG (unchanged): a legacy Office member is refused."""
    from tests.evidence import ole2

    with pytest.raises(UnsupportedType):
        _detect_bytes(_zip({"a.doc": ole2.word()}), tmp_path)
