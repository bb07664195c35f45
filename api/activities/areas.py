"""Lĩnh vực CCHC: the reform areas used by inspections (scope, findings), the report outline and the SPA."""

AREAS: dict[str, str] = {
    "chi_dao_dieu_hanh": "Công tác chỉ đạo, điều hành",
    "the_che": "Cải cách thể chế",
    "thu_tuc_hanh_chinh": "Cải cách thủ tục hành chính",
    "to_chuc_bo_may": "Cải cách tổ chức bộ máy",
    "cong_vu": "Cải cách chế độ công vụ",
    "tai_chinh_cong": "Cải cách tài chính công",
    "chinh_quyen_so": "Xây dựng chính quyền điện tử, chính quyền số",
}

AREAS_EN: dict[str, str] = {
    "chi_dao_dieu_hanh": "Direction and management",
    "the_che": "Institutional reform",
    "thu_tuc_hanh_chinh": "Administrative procedure reform",
    "to_chuc_bo_may": "Organisational reform",
    "cong_vu": "Civil service reform",
    "tai_chinh_cong": "Public finance reform",
    "chinh_quyen_so": "E-government and digital government",
}


def area_name(code: str | None) -> str:
    return AREAS.get(code or "", code or "")


# Vietnamese words of the other enums of this domain (report text, ``*_label`` fields).
INSPECTION_KINDS = {"periodic": "Định kỳ", "adhoc": "Đột xuất"}
SEVERITIES = {"low": "Nhẹ", "medium": "Trung bình", "high": "Nghiêm trọng"}
OUTREACH_KINDS = {
    "article": "Bài viết",
    "radio": "Phát thanh",
    "television": "Truyền hình",
    "loudspeaker": "Loa truyền thanh cơ sở",
    "conference": "Hội nghị",
    "dialogue": "Đối thoại giữa Chủ tịch và nhân dân",
    "leaflet": "Tờ rơi, pa-nô",
    "online_post": "Tin bài trên cổng thông tin, mạng xã hội",
    "other": "Khác",
}
LANGUAGES = {"vi": "Tiếng Việt", "tay": "Tiếng Tày", "nung": "Tiếng Nùng", "other": "Tiếng khác"}
SESSION_STATUSES = {"scheduled": "Đã lên lịch", "held": "Đã tổ chức", "closed": "Đã kết luận"}
INSPECTION_STATUSES = {"open": "Đang theo dõi khắc phục", "closed": "Đã kết thúc"}
