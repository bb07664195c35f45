"""Roles are a table: what each role may do. No route compares roles; routes ask for a permission."""

from enum import StrEnum

from api.models.org import UnitLevel
from api.models.user import Role


class Permission(StrEnum):
    units_read = "units:read"
    units_manage = "units:manage"
    users_read = "users:read"
    users_manage = "users:manage"
    tokens_manage = "tokens:manage"
    audit_read = "audit:read"
    frameworks_read = "frameworks:read"
    frameworks_manage = "frameworks:manage"
    plans_read = "plans:read"
    plans_manage = "plans:manage"
    assignments_read = "assignments:read"
    assignments_edit = "assignments:edit"
    assignments_submit = "assignments:submit"
    assignments_review = "assignments:review"
    comments_write = "comments:write"
    evidence_read = "evidence:read"
    evidence_upload = "evidence:upload"
    evidence_delete = "evidence:delete"
    evidence_restore = "evidence:restore"
    reports_read = "reports:read"
    reports_edit = "reports:edit"
    reports_submit = "reports:submit"
    reports_review = "reports:review"
    reports_approve = "reports:approve"
    portal_manage = "portal:manage"
    imports_run = "imports:run"
    dashboards_read = "dashboards:read"
    # Index scoring (chấm điểm chỉ số CCHC)
    assessments_read = (
        "assessments:read"  # a unit's sheets and scores (before publication: unit + those above)
    )
    assessments_edit = "assessments:edit"  # fill the unit's self-assessment
    assessments_submit = "assessments:submit"  # the unit head submits the sheet
    assessments_appraise = "assessments:appraise"  # tổ thẩm định: accept / adjust / return (above the unit)
    assessments_approve = "assessments:approve"  # the leader approves the appraised results
    assessments_manage = "assessments:manage"  # open rounds, publish, reopen, import official results
    results_read = "results:read"  # published results and rankings (also for integration tokens)
    # CCHC activities (kiểm tra, tuyên truyền, giải trình)
    activities_read = "activities:read"  # inspections, outreach outputs, accountability sessions in reach
    activities_manage = "activities:manage"  # Phòng Nội vụ: inspection plans, inspections, findings, sessions
    activities_respond = "activities:respond"  # the unit head answers: explanations, closure of findings
    outreach_edit = "outreach:edit"  # the responsible unit records its propaganda and outreach outputs
    # SIPAS survey (khảo sát sự hài lòng)
    surveys_read = "surveys:read"  # survey results of the desks in reach
    surveys_manage = "surveys:manage"  # survey definitions, collection points, official SIPAS results
    surveys_enter = "surveys:enter"  # enter paper answers for the unit's own desks


P = Permission

_READ_BUSINESS = {
    P.units_read,
    P.frameworks_read,
    P.plans_read,
    P.assignments_read,
    P.evidence_read,
    P.reports_read,
    P.dashboards_read,
    P.assessments_read,
    P.results_read,
    P.activities_read,
    P.surveys_read,
}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    # System set-up: units, users, tokens, the audit trail, and the index frameworks (import, publish, clone).
    Role.admin: frozenset(
        {
            P.units_read,
            P.units_manage,
            P.users_read,
            P.users_manage,
            P.tokens_manage,
            P.audit_read,
            P.frameworks_read,
            P.frameworks_manage,
            P.imports_run,  # set-up imports: units, users, frameworks (each kind also needs its manage right)
        }
    ),
    # Phòng Nội vụ: runs the plan for its unit's whole subtree.
    Role.district_admin: frozenset(set(Permission) - {P.reports_approve, P.assessments_approve}),
    # Chủ tịch / Phó Chủ tịch: reads the subtree, approves the district report and the appraised index results.
    Role.leader: frozenset(
        _READ_BUSINESS | {P.users_read, P.reports_approve, P.assessments_approve, P.comments_write}
    ),
    # Thủ trưởng / Chủ tịch UBND xã: everything of its own unit, submits for it.
    Role.unit_head: frozenset(
        _READ_BUSINESS
        | {
            P.users_read,
            P.assignments_edit,
            P.assignments_submit,
            P.comments_write,
            P.evidence_upload,
            P.evidence_delete,
            P.reports_edit,
            P.reports_submit,
            P.assessments_edit,
            P.assessments_submit,
            P.activities_respond,
            P.outreach_edit,
            P.surveys_enter,
        }
    ),
    # Công chức: works its unit's assignments, evidence and report drafts; cannot submit.
    Role.unit_officer: frozenset(
        _READ_BUSINESS
        | {
            P.assignments_edit,
            P.comments_write,
            P.evidence_upload,
            P.reports_edit,
            P.assessments_edit,
            P.outreach_edit,
            P.surveys_enter,
        }
    ),
    # Thường trực Huyện ủy, HĐND, MTTQ: read-only.
    Role.observer: frozenset(_READ_BUSINESS),
    # API tokens: only what the token was granted (capped, see TOKEN_CEILING).
    Role.integration: frozenset(),
}

# Roles whose grant covers the unit's whole subtree; the others cover their own unit only.
SUBTREE_ROLES: frozenset[Role] = frozenset({Role.admin, Role.district_admin, Role.leader, Role.observer})

# The most a token may be granted, by the level of the unit it is scoped to: a commune's token can never
# import, review or manage users.
TOKEN_CEILING: dict[UnitLevel, frozenset[Permission]] = {
    UnitLevel.province: ROLE_PERMISSIONS[Role.district_admin],
    UnitLevel.district: ROLE_PERMISSIONS[Role.district_admin],
    UnitLevel.commune: ROLE_PERMISSIONS[Role.unit_head],
}

# Roles a grantor may hand out in memberships (a district admin cannot create system admins).
ASSIGNABLE_ROLES: dict[Role, frozenset[Role]] = {
    Role.admin: frozenset(Role) - {Role.integration},
    Role.district_admin: frozenset(
        {Role.district_admin, Role.leader, Role.unit_head, Role.unit_officer, Role.observer}
    ),
    # A token holding users:manage (only province/district tokens can, see TOKEN_CEILING) syncs staff the way
    # a district admin does.
    Role.integration: frozenset(
        {Role.district_admin, Role.leader, Role.unit_head, Role.unit_officer, Role.observer}
    ),
}


# What a permission is called on screen (the SPA's words: frontend/src/locales/vi.ts), for API messages.
PERMISSION_LABELS: dict[Permission, str] = {
    Permission("units:read"): "Xem đơn vị",
    Permission("units:manage"): "Quản lý đơn vị",
    Permission("users:read"): "Xem người dùng",
    Permission("users:manage"): "Quản lý người dùng và vai trò",
    Permission("tokens:manage"): "Quản lý mã truy cập API",
    Permission("audit:read"): "Xem nhật ký",
    Permission("frameworks:read"): "Xem bộ chỉ số",
    Permission("frameworks:manage"): "Quản lý bộ chỉ số",
    Permission("plans:read"): "Xem kế hoạch",
    Permission("plans:manage"): "Lập và ban hành kế hoạch",
    Permission("assignments:read"): "Xem nhiệm vụ",
    Permission("assignments:edit"): "Cập nhật kết quả nhiệm vụ",
    Permission("assignments:submit"): "Gửi duyệt kết quả nhiệm vụ",
    Permission("assignments:review"): "Duyệt kết quả nhiệm vụ",
    Permission("comments:write"): "Viết ý kiến",
    Permission("evidence:read"): "Xem tài liệu kiểm chứng",
    Permission("evidence:upload"): "Tải lên tài liệu kiểm chứng",
    Permission("evidence:delete"): "Xóa tài liệu kiểm chứng",
    Permission("evidence:restore"): "Khôi phục tài liệu kiểm chứng",
    Permission("reports:read"): "Xem báo cáo",
    Permission("reports:edit"): "Soạn báo cáo",
    Permission("reports:submit"): "Gửi báo cáo",
    Permission("reports:review"): "Tiếp nhận báo cáo",
    Permission("reports:approve"): "Phê duyệt báo cáo",
    Permission("portal:manage"): "Quản lý gửi cổng báo cáo",
    Permission("imports:run"): "Nhập dữ liệu",
    Permission("dashboards:read"): "Xem tổng quan",
    Permission("assessments:read"): "Xem phiếu chấm điểm",
    Permission("assessments:edit"): "Tự chấm điểm",
    Permission("assessments:submit"): "Gửi phiếu tự chấm điểm",
    Permission("assessments:appraise"): "Thẩm định điểm",
    Permission("assessments:approve"): "Phê duyệt kết quả chấm điểm",
    Permission("assessments:manage"): "Quản lý đợt chấm điểm",
    Permission("results:read"): "Xem kết quả công bố",
    Permission("activities:read"): "Xem hoạt động CCHC (kiểm tra, tuyên truyền, giải trình)",
    Permission("activities:manage"): "Quản lý kiểm tra và phiên giải trình",
    Permission("activities:respond"): "Giải trình, khắc phục sau kiểm tra",
    Permission("outreach:edit"): "Ghi nhận kết quả tuyên truyền",
    Permission("surveys:read"): "Xem kết quả khảo sát sự hài lòng",
    Permission("surveys:manage"): "Quản lý phiếu khảo sát và điểm thu thập",
    Permission("surveys:enter"): "Nhập phiếu khảo sát giấy",
}
