"""The shipped đề cương of a periodic CCHC report, one per level (huyện, xã, phòng), and its biểu số liệu.

Source: the outline the Bộ Nội vụ's guidance for periodic CCHC reports (Văn bản 581/BNV-CCHC) attaches, as most
provinces and districts follow it (domain reference §3.2 and §8: công tác chỉ đạo, điều hành — kế hoạch, tuyên
truyền, kiểm tra, khảo sát, giải trình; kết quả by reform area; tồn tại; phương hướng; kiến nghị; biểu số liệu).
The guidance's two đề cương and two phụ lục were not retrieved verbatim: every default is ``verified: false`` with
that note, and a district copies one to edit its own wording. The indicators are typical rows of such tables,
named here for the demo, not copied from the phụ lục.

A section: ``key`` (written sections store their text in the report's narrative under this key), ``number``,
``title``, ``fill``: ``auto`` (written by parsipas from ``source``), ``written`` (by the unit; ``source`` may add
figures of a reform area, or the survey, above the text), ``heading`` (a title only), ``indicators`` (the biểu số
liệu table), ``hint`` for the person writing.

Khảo sát (issue 20): the section carries the figures of the unit's own satisfaction survey (``source: survey``)
above the text the unit adds; the indicator ``CB_HAI_LONG`` is entered with ``source: survey_satisfaction``, which
makes it computed from the survey whenever the report's window has answers (entered by hand otherwise).
"""

from typing import Any

SOURCE_NOTE = (
    "Theo đề cương báo cáo CCHC định kỳ kèm Văn bản số 581/BNV-CCHC của Bộ Nội vụ như các tỉnh, huyện thường dùng "
    "(tài liệu tham khảo domain.md §3.2, §8). Câu chữ chính xác của đề cương và các biểu số liệu chưa được đối "
    "chiếu với văn bản gốc; các chỉ tiêu trong biểu là ví dụ điển hình, chưa xác minh. Sửa bằng bản sao của đơn vị."
)

# Reform areas (lĩnh vực), the same codes as api.activities.areas; the words match the PAR INDEX framework nodes.
AREAS: list[tuple[str, str, str]] = [
    ("the_che", "Cải cách thể chế", "thể chế"),
    ("thu_tuc_hanh_chinh", "Cải cách thủ tục hành chính", "thủ tục hành chính"),
    ("to_chuc_bo_may", "Cải cách tổ chức bộ máy hành chính", "tổ chức bộ máy"),
    ("cong_vu", "Cải cách chế độ công vụ", "công vụ"),
    ("tai_chinh_cong", "Cải cách tài chính công", "tài chính công"),
    ("chinh_quyen_so", "Xây dựng, phát triển chính quyền điện tử, chính quyền số", "chính quyền"),
]


# The khảo sát section (issue 20: survey figures above the unit's text) and the shape it had before (migration).
KHAO_SAT = (
    "khao_sat",
    "4",
    "Khảo sát sự hài lòng của người dân, tổ chức",
    "written",
    "survey",
    "Số liệu khảo sát tại bộ phận một cửa được hệ thống điền ở trên; bổ sung hình thức khảo sát khác, đánh giá và "
    "giải pháp đối với các yếu tố có tỷ lệ hài lòng thấp.",
)
KHAO_SAT_BEFORE = (
    "khao_sat",
    "4",
    "Khảo sát sự hài lòng của người dân, tổ chức",
    "written",
    None,
    "Hình thức, số phiếu, kết quả khảo sát trong kỳ.",
)
SURVEY_INDICATOR = "CB_HAI_LONG"
SURVEY_SOURCE = "survey_satisfaction"
# Sources an entered (``computed: false``) indicator may carry: computed when the data exists, entered otherwise.
ENTERED_SOURCES = (SURVEY_SOURCE,)


def _s(
    key: str, number: str, title: str, fill: str, source: str | None = None, hint: str = ""
) -> dict[str, Any]:
    return {"key": key, "number": number, "title": title, "fill": fill, "source": source, "hint": hint}


def sections(level: str) -> list[dict[str, Any]]:
    district = level == "district"
    chi_dao = [
        _s("chi_dao_dieu_hanh", "I", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CẢI CÁCH HÀNH CHÍNH", "heading"),
        _s("ke_hoach", "1", "Kế hoạch cải cách hành chính và mức độ hoàn thành", "auto", "plan_progress"),
        _s("tuyen_truyen", "2", "Công tác tuyên truyền cải cách hành chính", "auto", "outreach"),
        _s("kiem_tra", "3", "Công tác kiểm tra cải cách hành chính", "auto", "inspections"),
        _s(*KHAO_SAT),
        _s("giai_trinh", "5", "Giải trình, trách nhiệm người đứng đầu", "auto", "accountability"),
        _s(
            "sang_kien",
            "6",
            "Sáng kiến, mô hình mới trong cải cách hành chính",
            "written",
            None,
            "Sáng kiến, giải pháp, mô hình được áp dụng, công nhận trong kỳ.",
        ),
        _s(
            "nhiem_vu_par_sipas",
            "7",
            "Kết quả thực hiện Kế hoạch nâng cao Chỉ số PAR INDEX, SIPAS",
            "auto",
            "plan_tasks",
        ),
    ]
    if district:
        chi_dao.append(
            _s("bao_cao_don_vi", "8", "Tình hình báo cáo của các cơ quan, đơn vị", "auto", "unit_reports")
        )
    ket_qua = [_s("ket_qua_nhiem_vu", "II", "KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH", "heading")]
    ket_qua += [
        _s(code, str(i), title, "written", f"area:{code}", "Kết quả nổi bật, số liệu của lĩnh vực trong kỳ.")
        for i, (code, title, _kw) in enumerate(AREAS, 1)
    ]
    rest = [
        _s("danh_gia_chung", "III", "ĐÁNH GIÁ CHUNG", "heading"),
        _s("ket_qua", "1", "Kết quả nổi bật", "written"),
        _s("ton_tai_han_che", "2", "Tồn tại, hạn chế", "written"),
        _s("nguyen_nhan", "3", "Nguyên nhân", "written"),
        _s("phuong_huong", "IV", "PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI", "written"),
        _s("de_xuat_kien_nghi", "V", "ĐỀ XUẤT, KIẾN NGHỊ", "written"),
        _s("bieu_so_lieu", "Biểu", "BIỂU SỐ LIỆU KẾT QUẢ CẢI CÁCH HÀNH CHÍNH", "indicators"),
    ]
    return chi_dao + ket_qua + rest


# (code, section_key, name, unit of measure, computed source or None (entered), rollup, numerator, denominator)
Row = tuple[str, str, str, str, str | None, str, str | None, str | None]
_COMMON: list[Row] = [
    ("KH_NV", "ke_hoach", "Số nhiệm vụ CCHC được giao trong kỳ", "nhiệm vụ", "plan_tasks", "sum", None, None),
    ("KH_LG", "ke_hoach", "Số lượt giao nhiệm vụ", "lượt", "plan_assignments", "sum", None, None),
    ("KH_HT", "ke_hoach", "Số lượt giao đã hoàn thành", "lượt", "plan_done", "sum", None, None),
    (
        "TT_SL",
        "tuyen_truyen",
        "Số tin, bài, buổi tuyên truyền CCHC",
        "tin, bài, buổi",
        "outreach_quantity",
        "sum",
        None,
        None,
    ),
    ("KT_CUOC", "kiem_tra", "Số cuộc kiểm tra CCHC", "cuộc", "inspections", "sum", None, None),
    (
        "KT_TON_TAI",
        "kiem_tra",
        "Số tồn tại, hạn chế phát hiện qua kiểm tra",
        "nội dung",
        "findings",
        "sum",
        None,
        None,
    ),
    (
        "GT_PHIEN",
        "giai_trinh",
        "Số phiên giải trình trước Chủ tịch UBND",
        "phiên",
        "accountability_sessions",
        "sum",
        None,
        None,
    ),
    (
        "VB_BAN_HANH",
        "the_che",
        "Số văn bản quy phạm pháp luật, văn bản chỉ đạo CCHC ban hành",
        "văn bản",
        None,
        "sum",
        None,
        None,
    ),
]
_ONE_STOP: list[Row] = [
    ("HS_TIEP_NHAN", "thu_tuc_hanh_chinh", "Số hồ sơ TTHC tiếp nhận", "hồ sơ", None, "sum", None, None),
    (
        "HS_DUNG_HAN",
        "thu_tuc_hanh_chinh",
        "Số hồ sơ TTHC giải quyết đúng hạn",
        "hồ sơ",
        None,
        "sum",
        None,
        None,
    ),
    (
        "HS_TY_LE",
        "thu_tuc_hanh_chinh",
        "Tỷ lệ hồ sơ giải quyết đúng hạn",
        "%",
        "share",
        "share",
        "HS_DUNG_HAN",
        "HS_TIEP_NHAN",
    ),
    ("DVC_TRUC_TUYEN", "chinh_quyen_so", "Số hồ sơ nộp trực tuyến", "hồ sơ", None, "sum", None, None),
    (
        "DVC_TY_LE",
        "chinh_quyen_so",
        "Tỷ lệ hồ sơ nộp trực tuyến",
        "%",
        "share",
        "share",
        "DVC_TRUC_TUYEN",
        "HS_TIEP_NHAN",
    ),
]
_STAFF: list[Row] = [
    (
        "CB_DAO_TAO",
        "cong_vu",
        "Số lượt cán bộ, công chức được đào tạo, bồi dưỡng",
        "lượt người",
        None,
        "sum",
        None,
        None,
    ),
    (
        SURVEY_INDICATOR,
        "khao_sat",
        "Mức độ hài lòng qua khảo sát tại đơn vị",
        "%",
        SURVEY_SOURCE,
        "average",
        None,
        None,
    ),
]


def indicators(level: str, unit_kind: str | None) -> list[Row]:
    if level == "district":
        return _COMMON + _ONE_STOP + _STAFF
    if unit_kind == "commune":
        return _COMMON + _ONE_STOP + _STAFF
    return _COMMON + [r for r in _STAFF if r[0] == "CB_DAO_TAO"]


# (code, level, unit_kind, name)
OUTLINES: list[tuple[str, str, str | None, str]] = [
    ("cchc-huyen", "district", None, "Đề cương báo cáo CCHC định kỳ của UBND cấp huyện (tổng hợp)"),
    ("cchc-xa", "unit", "commune", "Đề cương báo cáo CCHC định kỳ của UBND cấp xã"),
    ("cchc-phong", "unit", "department", "Đề cương báo cáo CCHC định kỳ của cơ quan chuyên môn cấp huyện"),
]


def default_rows() -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """The shipped outlines and their indicators as plain rows (seeding and the migration's data)."""
    out = []
    for code, level, kind, name in OUTLINES:
        outline = {
            "level": level,
            "unit_kind": kind,
            "owner_unit_id": None,
            "based_on_id": None,
            "code": code,
            "name": name,
            "verified": False,
            "source_note": SOURCE_NOTE,
            "sections": sections(level),
        }
        rows = [
            {
                "code": c,
                "section_key": s,
                "name": n,
                "unit_of_measure": u,
                "computed": src is not None and src not in ENTERED_SOURCES,
                "source": src,
                "rollup": r,
                "numerator_code": num,
                "denominator_code": den,
                "order": i,
            }
            for i, (c, s, n, u, src, r, num, den) in enumerate(indicators(level, kind), 1)
        ]
        out.append((outline, rows))
    return out
