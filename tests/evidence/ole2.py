"""A minimal OLE2 compound-file writer for tests: legacy Word / Excel files made from their streams.

Version 3 layout (512-byte sectors): the header, one FAT sector, one directory sector (up to 4 entries: the root
and its children, chained as right siblings), then each stream in whole sectors. Streams are padded to 4 KiB so
none lives in the mini stream. Storages (e.g. a ``Macros`` folder) are empty.
"""

import struct

SECTOR = 512
END, FREE, FATSECT, NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF


def _entry(name: str, kind: int, right: int, child: int, start: int, size: int) -> bytes:
    raw = (name.encode("utf-16-le") + b"\0\0") if name else b""
    out = raw.ljust(64, b"\0") + struct.pack("<HBB", len(raw), kind, 1)
    out += struct.pack("<III", NOSTREAM, right, child) + b"\0" * 16 + b"\0" * 4 + b"\0" * 16
    return out + struct.pack("<IQ", start, size)


def compound(streams: dict[str, bytes], storages: tuple[str, ...] = ()) -> bytes:
    """The compound file holding ``streams`` (name → bytes) and empty ``storages`` at its root (≤ 3 in all)."""
    items = [(n, 2, d.ljust(max(4096, -(-len(d) // SECTOR) * SECTOR), b"\0")) for n, d in streams.items()]
    items += [(n, 1, b"") for n in storages]
    assert len(items) <= 3
    fat = [FATSECT, END]
    entries = []
    next_sector = 2
    for i, (name, kind, data) in enumerate(items):
        n = len(data) // SECTOR
        start = next_sector if n else 0
        fat += [next_sector + k + 1 for k in range(n - 1)] + ([END] if n else [])
        next_sector += n
        right = i + 2 if i + 1 < len(items) else NOSTREAM
        entries.append(_entry(name, kind, right, NOSTREAM, start, len(data)))
    assert len(fat) <= SECTOR // 4
    root = _entry("Root Entry", 5, NOSTREAM, 1 if items else NOSTREAM, END, 0)
    directory = (root + b"".join(entries)).ljust(SECTOR, b"\0")
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
    header += struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
    header += struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, END, 0, END, 0)
    header += struct.pack("<I", 0) + struct.pack("<I", FREE) * 108
    assert len(header) == SECTOR
    fat_sector = b"".join(struct.pack("<I", x) for x in fat).ljust(SECTOR, b"\xff")
    return header + fat_sector + directory + b"".join(d for _, _, d in items)


def word(*, encrypted: bool = False, macros: bool = False) -> bytes:
    """A legacy Word file: a WordDocument stream starting with a FIB (wIdent 0xA5EC, nFib 193)."""
    fib = struct.pack("<HHHHHH", 0xA5EC, 0x00C1, 0, 0, 0, 0x0100 if encrypted else 0)
    return compound({"WordDocument": fib, "1Table": b"\0" * 16}, ("Macros",) if macros else ())


def excel(*, password: bool = False, macros: bool = False) -> bytes:
    """A legacy Excel file: a Workbook stream of BIFF8 records (BOF of the globals, FILEPASS if asked, EOF)."""
    bof = struct.pack("<HH", 0x0809, 16) + struct.pack("<HHHHII", 0x0600, 0x0005, 0, 0, 0, 0)
    filepass = struct.pack("<HH", 0x002F, 6) + b"\0\0\x01\0\x01\0" if password else b""
    eof = struct.pack("<HH", 0x000A, 0)
    return compound({"Workbook": bof + filepass + eof}, ("_VBA_PROJECT_CUR",) if macros else ())


def powerpoint() -> bytes:
    return compound({"PowerPoint Document": b"\0" * 64})
