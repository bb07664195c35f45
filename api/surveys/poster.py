"""The desk's QR poster, generated: A4 portrait, PDF (fpdf2) or PNG (Pillow), the QR code by segno.

The poster names the unit and the desk, holds the QR code of the desk's public form and its address in clear, and
says that no login and no personal data are needed. Vietnamese text needs a Unicode TrueType font (DejaVu Sans or
Liberation Sans from the system; the Docker image installs ``fonts-dejavu-core``); without one the text is written
without diacritics rather than garbled.
"""

import io
from pathlib import Path

import segno
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

from api.frameworks.library import fold_accents

FONT_CANDIDATES = (
    (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    ),
    (
        "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf",
    ),
    (
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    ),
)
TITLE = "KHẢO SÁT SỰ HÀI LÒNG"
SUBTITLE = "của người dân, tổ chức đối với sự phục vụ của cơ quan hành chính nhà nước"
CALL = "Quét mã QR bằng điện thoại để đánh giá"
NOTE = (
    "Không cần đăng nhập. Không bắt buộc cung cấp thông tin cá nhân. Mỗi lần đánh giá chỉ mất khoảng 1 phút."
)
THANKS = "Ý kiến của Ông/Bà giúp cơ quan phục vụ tốt hơn. Trân trọng cảm ơn!"


def _fonts() -> tuple[str, str] | None:
    for regular, bold in FONT_CANDIDATES:
        if Path(regular).is_file() and Path(bold).is_file():
            return regular, bold
    return None


def _qr_png(url: str, scale: int) -> bytes:
    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="png", scale=scale, border=2)
    return buf.getvalue()


def poster_pdf(*, unit_name: str, desk_name: str, url: str) -> bytes:
    fonts = _fonts()
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_title(f"Mã QR khảo sát — {desk_name}")
    pdf.add_page()
    if fonts:
        pdf.add_font("Poster", "", fonts[0])
        pdf.add_font("Poster", "B", fonts[1])
        family = "Poster"

        def t(s: str) -> str:
            return s
    else:
        family = "Helvetica"

        def t(s: str) -> str:
            return fold_accents(s).upper() if s.isupper() else fold_accents(s)

    width = pdf.w - 30
    pdf.set_xy(15, 18)
    pdf.set_font(family, "B", 14)
    pdf.multi_cell(width, 7, t(unit_name.upper()), align="C")
    pdf.set_font(family, "", 12)
    pdf.multi_cell(width, 6, t(desk_name), align="C")
    pdf.ln(6)
    pdf.set_font(family, "B", 24)
    pdf.multi_cell(width, 11, t(TITLE), align="C")
    pdf.set_font(family, "", 12)
    pdf.multi_cell(width, 6, t(SUBTITLE), align="C")
    pdf.ln(6)
    size = 120
    pdf.image(io.BytesIO(_qr_png(url, 12)), x=(pdf.w - size) / 2, y=pdf.get_y(), w=size, h=size)
    pdf.set_y(pdf.get_y() + size + 4)
    pdf.set_font(family, "B", 16)
    pdf.multi_cell(width, 8, t(CALL), align="C")
    pdf.set_font(family, "", 11)
    pdf.multi_cell(width, 6, t(NOTE), align="C")
    pdf.ln(3)
    pdf.set_font(family, "", 9)
    pdf.multi_cell(width, 5, url, align="C")
    pdf.set_y(pdf.h - 25)
    pdf.set_font(family, "", 11)
    pdf.multi_cell(width, 6, t(THANKS), align="C")
    return bytes(pdf.output())


def poster_png(*, unit_name: str, desk_name: str, url: str) -> bytes:
    """A4 at 150 dpi (1240 × 1754 px)."""
    w, h = 1240, 1754
    img = Image.new("RGB", (w, h), "white")
    draw = ImageDraw.Draw(img)
    fonts = _fonts()

    def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
        if fonts:
            return ImageFont.truetype(fonts[1] if bold else fonts[0], size)
        return ImageFont.load_default(size)

    def text(s: str) -> str:
        return s if fonts else fold_accents(s)

    y = 90.0

    def line(s: str, size: int, bold: bool = False, gap: int = 14) -> None:
        nonlocal y
        f = font(size, bold)
        for part in _wrap(draw, text(s), f, w - 160):
            box = draw.textbbox((0, 0), part, font=f)
            draw.text(((w - (box[2] - box[0])) / 2, y), part, fill="black", font=f)
            y += box[3] - box[1] + gap

    line(unit_name.upper(), 34, bold=True)
    line(desk_name, 30)
    y += 30
    line(TITLE, 58, bold=True)
    line(SUBTITLE, 28)
    y += 20
    qr = Image.open(io.BytesIO(_qr_png(url, 16))).convert("RGB")
    side = 700
    qr = qr.resize((side, side), Image.Resampling.NEAREST)
    img.paste(qr, ((w - side) // 2, int(y)))
    y += side + 30
    line(CALL, 40, bold=True)
    line(NOTE, 26)
    y += 10
    line(url, 22)
    y = h - 120
    line(THANKS, 28)
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _wrap(
    draw: ImageDraw.ImageDraw, s: str, f: ImageFont.FreeTypeFont | ImageFont.ImageFont, width: int
) -> list[str]:
    words, lines, current = s.split(), [], ""
    for word in words:
        candidate = f"{current} {word}".strip()
        box = draw.textbbox((0, 0), candidate, font=f)
        if box[2] - box[0] <= width or not current:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines
