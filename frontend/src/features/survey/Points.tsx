import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Input, Modal, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { download } from '../../api/http';
import { useAuth } from '../../auth';
import { orgUnitsListOptions, surveysListOptions, surveysListPointsOptions, surveysListPointsQueryKey } from '../../client/@tanstack/react-query.gen';
import { surveysCreatePoint, surveysGetPoint, surveysUpdatePoint } from '../../client/sdk.gen';
import { Guard, ProblemAlert } from '../../components/common';
import { etagged } from '../etag';
import { newIdempotencyKey } from '../reports/model';
import { kioskUrl, type PointT } from './model';
import { hoursLabel, useWords } from './words';

/** The API's URL of a poster ("/api/v1/collection-points/3/poster.pdf" or "collection-points/…") → the path
 *  download() takes. */
const apiPath = (url: string) => url.replace(/^https?:\/\/[^/]+/, '').replace(/^\/api\/v1/, '').replace(/^(?!\/)/, '/');

const absolute = (url: string) => (url.startsWith('http') ? url : `${window.location.origin}${url.startsWith('/') ? '' : '/'}${url}`);

interface Values {
  unit_id: number;
  code: string;
  name: string;
  address?: string;
  opening_hours: string;
  open_days: string;
  survey_id?: number;
  active?: boolean;
}

function PointModal({ point, onClose, onSaved }: { point: PointT | null; onClose: () => void; onSaved: () => void }) {
  const { w, need } = useWords();
  const { me } = useAuth();
  const [form] = Form.useForm<Values>();
  const [key] = useState(() => newIdempotencyKey('point'));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const surveys = useQuery(surveysListOptions({ query: { limit: 200 } }));
  // a desk manager may not read the unit list: then the units of its own memberships
  const orgUnits = useQuery(orgUnitsListOptions({ query: { limit: 500 } }));
  const units: [number, string][] = orgUnits.data?.items.length
    ? orgUnits.data.items.map((u) => [u.id, u.name])
    : [...new Map((me?.memberships ?? []).map((m) => [m.unit_id, m.unit_name]))];
  const submit = async (v: Values) => {
    setBusy(true);
    setError(null);
    try {
      if (point) {
        const { etag } = await etagged(surveysGetPoint({ path: { point_id: point.id }, throwOnError: true }));
        await surveysUpdatePoint({
          path: { point_id: point.id },
          headers: etag ? { 'If-Match': etag } : {},
          throwOnError: true,
          body: {
            name: v.name.trim(),
            address: v.address?.trim() || null,
            opening_hours: v.opening_hours.trim(),
            open_days: v.open_days.trim(),
            active: v.active,
            survey_id: v.survey_id,
          },
        });
      } else {
        await surveysCreatePoint({
          headers: { 'Idempotency-Key': key },
          throwOnError: true,
          body: {
            unit_id: v.unit_id,
            code: v.code.trim(),
            name: v.name.trim(),
            address: v.address?.trim() || null,
            opening_hours: v.opening_hours.trim(),
            open_days: v.open_days.trim(),
            survey_id: v.survey_id ?? null,
          },
        });
      }
      onSaved();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const req = (label: string) => [{ ...need(label), whitespace: true }];
  return (
    <Modal
      open
      title={point ? w('editPoint') : w('addPoint')}
      okText={w('save')}
      cancelText={w('cancel')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okButtonProps={{ loading: busy }}
      width={600}
    >
      <ProblemAlert error={error} />
      <Form
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={
          point
            ? { ...point, address: point.address ?? '' }
            : { opening_hours: '07:30-11:30,13:30-17:00', open_days: '1-5', unit_id: units.length === 1 ? units[0][0] : undefined }
        }
      >
        {!point && (
          <>
            <Form.Item name="unit_id" label={w('unit')} rules={[need(w('unit'))]}>
              <Select options={units.map(([value, label]) => ({ value, label }))} />
            </Form.Item>
            <Form.Item name="code" label={w('code')} rules={[...req(w('code')), { pattern: /^[A-Za-z0-9_.-]+$/, message: w('code') }]}>
              <Input maxLength={80} />
            </Form.Item>
          </>
        )}
        <Form.Item name="name" label={w('pointName')} rules={req(w('pointName'))}>
          <Input maxLength={300} />
        </Form.Item>
        <Form.Item name="address" label={w('address')}>
          <Input maxLength={500} />
        </Form.Item>
        <Form.Item name="opening_hours" label={w('hours')} rules={req(w('hours'))} extra="07:30-11:30,13:30-17:00">
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="open_days" label={w('days')} rules={req(w('days'))} extra="1-5 = Thứ Hai – Thứ Sáu">
          <Input maxLength={20} />
        </Form.Item>
        <Form.Item name="survey_id" label={w('survey')}>
          <Select
            allowClear
            loading={surveys.isPending}
            options={(surveys.data?.items ?? [])
              .filter((s) => s.status === 'published')
              .map((s) => ({ value: s.id, label: `${s.name} (${w('version').toLowerCase()} ${s.version})` }))}
          />
        </Form.Item>
        {point && (
          <Form.Item name="active" label={w('active')} valuePropName="checked">
            <Switch />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

/** Điểm khảo sát: each one-stop desk with its hours, its form, its QR poster (PDF/PNG) and link; managers add and
 *  edit desks (buttons only where the API allows). */
export default function Points() {
  const { w, daysName } = useWords();
  const { can } = useAuth();
  const { message } = App.useApp();
  const [editing, setEditing] = useState<PointT | null | 'new'>(null);
  const [error, setError] = useState<unknown>(null);
  const qc = useQueryClient();
  const points = useQuery(surveysListPointsOptions({ query: { limit: 500 } }));
  const get = (url: string, name: string) => {
    setError(null);
    download(apiPath(url), name).catch(setError);
  };
  const copy = (text: string) =>
    navigator.clipboard?.writeText(text).then(
      () => message.success(w('copied')),
      () => undefined,
    );
  return (
    <>
      {editing && (
        <PointModal
          point={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            message.success(w('saved'));
            void qc.invalidateQueries({ queryKey: surveysListPointsQueryKey() }); // every list of desks (paper entry, results)
          }}
        />
      )}
      {can('surveys:manage') && (
        <Button type="primary" onClick={() => setEditing('new')} style={{ marginBottom: 12 }}>
          {w('addPoint')}
        </Button>
      )}
      <ProblemAlert error={error} />
      <Guard loading={points.isPending} error={points.error}>
        {() => (
          <Table<PointT>
            rowKey="id"
            size="small"
            pagination={{ pageSize: 50, hideOnSinglePage: true }}
            dataSource={points.data?.items ?? []}
            locale={{ emptyText: w('noPoints') }}
            columns={[
              {
                title: w('pointName'),
                dataIndex: 'name',
                render: (v: string, p) => (
                  <>
                    {v}
                    <br />
                    <Typography.Text type="secondary">{[p.unit_name, p.address].filter(Boolean).join(' · ')}</Typography.Text>
                  </>
                ),
              },
              {
                title: w('hours'),
                key: 'hours',
                render: (_: unknown, p) => (
                  <>
                    {hoursLabel(p.opening_hours)}
                    <br />
                    <Typography.Text type="secondary">{daysName(p.open_days)}</Typography.Text>
                  </>
                ),
              },
              {
                title: w('status'),
                dataIndex: 'active',
                render: (a: boolean) => (a ? <Tag color="#1d6b2f">{w('active')}</Tag> : <Tag color="#555555">{w('inactive')}</Tag>),
              },
              {
                title: w('poster'),
                key: 'poster',
                render: (_: unknown, p) =>
                  !p.allowed_actions?.includes('poster') ? null : (
                  <Space>
                    <Button size="small" onClick={() => get(p.poster_pdf_url, `ap-phich-${p.code}.pdf`)} aria-label={`${w('posterPdf')} – ${w('poster')} ${p.name}`}>
                      {w('posterPdf')}
                    </Button>
                    <Button size="small" onClick={() => get(p.poster_png_url, `ap-phich-${p.code}.png`)} aria-label={`${w('posterPng')} – ${w('poster')} ${p.name}`}>
                      {w('posterPng')}
                    </Button>
                  </Space>
                ),
              },
              {
                title: w('link'),
                key: 'link',
                render: (_: unknown, p) =>
                  p.public_url ? (
                    <Space wrap>
                      <a href={p.public_url} target="_blank" rel="noreferrer">
                        {w('open')}
                      </a>
                      <Button size="small" onClick={() => copy(absolute(p.public_url!))}>
                        {w('copyLink')}
                      </Button>
                      <a href={kioskUrl(p.public_url)} target="_blank" rel="noreferrer">
                        {w('kioskLink')}
                      </a>
                    </Space>
                  ) : null,
              },
              {
                title: w('actions'),
                key: 'edit',
                render: (_: unknown, p) =>
                  p.allowed_actions?.includes('edit') ? (
                    <Button size="small" onClick={() => setEditing(p)}>
                      {w('editPoint')}
                    </Button>
                  ) : null,
              },
            ]}
          />
        )}
      </Guard>
    </>
  );
}
