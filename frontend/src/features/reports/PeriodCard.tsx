import { Button, Card, Descriptions, Tag } from 'antd';
import { Link } from 'react-router';
import type { PeriodRead, ReportRead, ReportStatus } from '../../client/types.gen';
import { useI18n } from '../../i18n';
import { ProblemAlert } from '../../components/common';
import { periodName, REPORT_STATUSES, type OwnUnit } from './model';
import { useReportStatusLabel } from './labels';
import { ReportStatusTag } from './ReportTags';

/**
 * One kỳ báo cáo: its cut-off window (581/BNV-CCHC), the due date of each level (flagged while they are still the
 * unverified defaults), the caller's own report for it (open, or create), and for the district the unit reports.
 */
export default function PeriodCard({
  period,
  reports,
  own,
  showUnitSummary,
  canEditPeriod,
  creating,
  error,
  onCreate,
  onEditPeriod,
  onFilter,
}: {
  period: PeriodRead;
  reports: ReportRead[];
  own: OwnUnit[];
  showUnitSummary: boolean;
  canEditPeriod: boolean;
  creating: string | null;
  error: unknown;
  onCreate: (period: PeriodRead, unit: OwnUnit) => void;
  onEditPeriod: (period: PeriodRead) => void;
  onFilter: (period: PeriodRead) => void;
}) {
  const { t, lang, date, num } = useI18n();
  const statusLabel = useReportStatusLabel();
  const name = periodName(period, lang);
  const unitReports = reports.filter((r) => r.level === 'unit');
  const counts = REPORT_STATUSES.map((s) => [s, unitReports.filter((r) => r.status === s).length] as [ReportStatus, number]).filter(([, c]) => c > 0);
  const headingId = `period-${period.id}-title`;
  return (
    <Card
      size="small"
      data-testid={`period-${period.kind}`}
      title={
        <h3 id={headingId} style={{ margin: 0, fontSize: 16, whiteSpace: 'normal' }}>
          {name}
        </h3>
      }
      extra={
        canEditPeriod ? (
          <Button size="small" onClick={() => onEditPeriod(period)} aria-label={`${t('rpEditPeriod')} — ${name}`}>
            {t('rpEditPeriod')}
          </Button>
        ) : null
      }
      style={{ height: '100%' }}
    >
      <Descriptions
        size="small"
        column={1}
        items={[
          {
            key: 'window',
            label: t('rpCutoff'),
            children: (
              <span>
                <span style={{ whiteSpace: 'nowrap' }}>{date(period.data_from)}</span> – <span style={{ whiteSpace: 'nowrap' }}>{date(period.data_to)}</span>
              </span>
            ),
          },
          { key: 'unit', label: t('rpDueUnit'), children: date(period.due_unit) },
          { key: 'district', label: t('rpDueDistrict'), children: date(period.due_district) },
          { key: 'province', label: t('rpDueProvince'), children: <span style={{ whiteSpace: 'nowrap' }}>{date(period.due_province) || '—'}</span> },
        ]}
      />
      {period.due_dates_are_defaults ? (
        <Tag color="#8a4b00" data-testid="default-due" style={{ marginTop: 4, whiteSpace: 'normal' }}>
          {t('rpDefaultDue')}
        </Tag>
      ) : (
        <Tag color="#1d6b2f" style={{ marginTop: 4 }}>
          {t('rpDueSet')}
        </Tag>
      )}
      <ul aria-label={`${t('rpMyReports')} — ${name}`} style={{ listStyle: 'none', padding: 0, margin: '12px 0 0' }}>
        {own.map((u) => {
          const mine = reports.find((r) => r.unit_id === u.unit_id && r.level === (u.district ? 'district' : 'unit'));
          const key = `${period.id}-${u.unit_id}`;
          // the level's due date has passed and nothing was sent: quá hạn
          const overdue = (u.district ? period.district_due_passed : period.unit_due_passed) && (!mine || mine.status === 'draft');
          return (
            <li key={u.unit_id} style={{ display: 'flex', flexWrap: 'wrap', gap: 6, alignItems: 'center', marginBottom: 6 }}>
              <span style={{ fontWeight: 600 }}>{u.district ? t('rpLevelDistrict') : u.unit_name}:</span>
              {overdue && (
                <Tag color="#a8071a" data-testid="period-overdue">
                  {t('rpPeriodOverdue')}
                </Tag>
              )}
              {mine ? (
                <>
                  <ReportStatusTag status={mine.status} late={mine.is_late} />
                  <Link to={`/reports/${mine.id}`} aria-label={`${t('rpOpenReport')} — ${name} — ${u.unit_name}`}>
                    {t('rpOpenReport')}
                  </Link>
                </>
              ) : u.canCreate ? (
                <Button
                  size="small"
                  type="primary"
                  loading={creating === key}
                  onClick={() => onCreate(period, u)}
                  aria-label={`${u.district ? t('rpCreateDistrict') : t('rpCreate')} — ${name} — ${u.unit_name}`}
                >
                  {u.district ? t('rpCreateDistrict') : t('rpCreate')}
                </Button>
              ) : (
                <Tag>{t('rpNoReport')}</Tag>
              )}
            </li>
          );
        })}
      </ul>
      {showUnitSummary && (
        <p style={{ margin: '8px 0 0' }}>
          {t('rpUnitReports')}:{' '}
          {counts.length ? counts.map(([s, c]) => `${statusLabel(s)}: ${num(c, 0)}`).join(' · ') : t('rpNoneYet')}{' '}
          <Button type="link" size="small" style={{ padding: 0 }} onClick={() => onFilter(period)} aria-label={`${t('rpShowInList')} — ${name}`}>
            {t('rpShowInList')}
          </Button>
        </p>
      )}
      <div style={{ marginTop: 8 }}>
        <ProblemAlert error={error} />
      </div>
    </Card>
  );
}
