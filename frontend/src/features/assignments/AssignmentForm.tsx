import { Alert, Button, DatePicker, Form, Input, Modal, Progress } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useMemo, useState } from 'react';
import type { AssignmentRead } from '../../api/types';
import { useI18n } from '../../i18n';
import { bodyChanged, needsExplanation, parseProgress } from './assignmentRules';
import DraftNote from '../../components/DraftNote';
import { readDraft, useDraft, writeDraft } from '../../components/useDraft';

/** What the unit types; progress stays the text it typed until it is valid (never clamped behind its back). */
export interface Edit {
  progress: string | number;
  result?: string;
  completed_date?: Dayjs | null;
  explanation?: string;
}

export interface EditBody {
  progress: number;
  result: string | null;
  completed_date: string | null;
  explanation: string | null;
}

/** The file being uploaded by the save, with its progress (0–100). */
export interface UploadState {
  name: string;
  percent: number;
}

function bodyOf(v: Edit): EditBody {
  return {
    progress: parseProgress(v.progress) ?? 0,
    result: v.result || null,
    completed_date: v.completed_date ? v.completed_date.format('YYYY-MM-DD') : null,
    explanation: v.explanation || null,
  };
}

/** One update, one save: progress, result, dates and the chosen evidence files are saved by one button in a bar that
 *  stays on screen (sticky) on a phone. ``onSave(body, files)`` may resolve to the files still to upload (kept
 *  chosen, e.g. after a failed upload). Enter in a field never saves or uploads; only the button does. */
export function ProgressForm({
  a,
  editable,
  busy,
  onSave,
  canUpload = false,
  upload = null,
  onDirtyChange,
  draftId = null,
}: {
  a: AssignmentRead;
  editable: boolean;
  busy: boolean;
  onSave: (body: EditBody, files: File[]) => unknown;
  canUpload?: boolean;
  upload?: UploadState | null;
  onDirtyChange?: (dirty: boolean) => void;
  /** sessionStorage key (useDraft's draftKey: per user and assignment) keeping the unsaved result / giải trình. */
  draftId?: string | null;
}) {
  const { t } = useI18n();
  const [files, setFiles] = useState<File[]>([]);
  const [resetTick, setResetTick] = useState(0);
  const formKey = `${a.id}-${a.version ?? ''}-${a.status}`;
  // The long texts typed and not saved, put back after a reload; a stored text equal to the saved one is dropped.
  const key = editable ? draftId : null;
  const restored = useMemo(() => {
    void resetTick;
    let stored: Record<string, unknown> = {};
    try {
      stored = JSON.parse(readDraft(key) ?? '{}') as Record<string, unknown>;
    } catch {
      /* not ours */
    }
    const saved = { result: a.result ?? '', explanation: a.explanation ?? '' };
    const kept = Object.entries(saved).filter(([k, v]) => typeof stored[k] === 'string' && stored[k] !== v);
    return Object.fromEntries(kept.map(([k]) => [k, stored[k] as string]));
  }, [key, a.result, a.explanation, resetTick]);
  const hasDraft = Object.keys(restored).length > 0;
  const [changed, setChanged] = useState<{ key: string; on: boolean }>({ key: '', on: false });
  const formDirty = changed.key === formKey ? changed.on : hasDraft;
  const keepDraft = (all: Edit) => {
    const texts = { result: all.result ?? '', explanation: all.explanation ?? '' };
    const saved = { result: a.result ?? '', explanation: a.explanation ?? '' };
    const kept = Object.entries(texts).filter(([k, v]) => v !== saved[k as keyof typeof saved]);
    writeDraft(key, kept.length ? JSON.stringify(Object.fromEntries(kept)) : null);
  };
  const discardDraft = () => {
    writeDraft(key, null);
    setChanged({ key: formKey, on: false });
    setResetTick((x) => x + 1);
  };
  const dirty = editable && (formDirty || files.length > 0);
  useEffect(() => onDirtyChange?.(dirty), [dirty, onDirtyChange]);

  const finish = async (v: Edit) => {
    const left = await onSave(bodyOf(v), files);
    if (Array.isArray(left)) setFiles(left as File[]);
  };
  const removeFile = (f: File) => setFiles((xs) => xs.filter((x) => x !== f));
  return (
    <>
    <DraftNote show={hasDraft} onDiscard={discardDraft} />
    <Form<Edit>
      key={`${formKey}-${resetTick}`}
      layout="vertical"
      disabled={!editable}
      initialValues={{
        progress: String(a.progress),
        result: a.result ?? '',
        completed_date: a.completed_date ? dayjs(a.completed_date) : null,
        explanation: a.explanation ?? '',
        ...restored,
      }}
      onValuesChange={(_, all) => {
        setChanged({ key: formKey, on: parseProgress(all.progress) === null || bodyChanged(a, bodyOf(all)) });
        keepDraft(all);
      }}
      onFinish={finish}
      onKeyDown={(e) => {
        // Enter in a one-line field would submit the form (save and upload): only the save button does that.
        if (e.key === 'Enter' && (e.target as HTMLElement).tagName === 'INPUT') e.preventDefault();
      }}
    >
      <Form.Item
        label={`${t('progress')} (%)`}
        name="progress"
        rules={[
          {
            validator: (_, v) =>
              parseProgress(v) === null ? Promise.reject(new Error(t('progressInvalid'))) : Promise.resolve(),
          },
        ]}
      >
        <Input inputMode="numeric" style={{ width: 120 }} data-testid="progress-input" />
      </Form.Item>
      <Form.Item label={t('result')} name="result">
        <Input.TextArea rows={3} />
      </Form.Item>
      <Form.Item label={t('completedDate')} name="completed_date">
        <DatePicker format="DD/MM/YYYY" />
      </Form.Item>
      <Form.Item label={t('explanation')} name="explanation">
        <Input.TextArea rows={2} />
      </Form.Item>
      {editable && canUpload && (
        <div className="choose-files">
          <input
            id={`files-${a.id}`}
            type="file"
            multiple
            className="visually-hidden"
            data-testid="evidence-files"
            onChange={(e) => {
              const chosen = Array.from(e.target.files ?? []);
              setFiles((xs) => [...xs, ...chosen]);
              e.target.value = '';
            }}
          />
          <label className="btn btn-light" htmlFor={`files-${a.id}`}>
            {t('chooseFiles')}
          </label>
          {files.length > 0 && (
            <ul className="chosen-files" aria-label={t('chosenFiles')} data-testid="chosen-files">
              {files.map((f, i) => (
                <li key={`${f.name}-${i}`}>
                  <span>{f.name}</span>
                  <Button size="small" onClick={() => removeFile(f)} aria-label={t('removeFile').replace('{f}', f.name)} disabled={busy}>
                    ×
                  </Button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {editable && (
        <div className="save-bar" data-testid="save-bar">
          <Button type="primary" htmlType="submit" loading={busy} data-testid="save-all">
            {t('save')}
          </Button>
          {dirty && !busy && <span className="unsaved">{t('unsavedNote')}</span>}
          {upload && (
            <div style={{ flex: '1 1 200px', minWidth: 0 }} data-testid="upload-progress">
              <div className="unsaved">{t('uploadingFile').replace('{f}', upload.name)}</div>
              <Progress percent={upload.percent} size="small" aria-label={t('uploadingFile').replace('{f}', upload.name)} />
            </div>
          )}
        </div>
      )}
    </Form>
    </>
  );
}

/** Gửi duyệt: below 100 % or without a result, a warning and a required giải trình before sending. */
export function SubmitDialog({
  a,
  open,
  busy,
  onCancel,
  onSubmit,
  draftId = null,
}: {
  a: AssignmentRead;
  open: boolean;
  busy: boolean;
  onCancel: () => void;
  /** Resolves to false when the submit failed (the giải trình's draft is then kept). */
  onSubmit: (body: { explanation: string | null; completed_date: string | null }) => unknown;
  /** sessionStorage key of the giải trình's draft (useDraft's draftKey). */
  draftId?: string | null;
}) {
  const { t } = useI18n();
  const draft = useDraft(draftId, a.explanation ?? '');
  const { value: text, setValue: setText } = draft;
  const needed = needsExplanation(a);
  const warning =
    a.progress < 100 ? t('submitWarnProgress').replace('{p}', String(a.progress)) : t('submitWarnResult');
  return (
    <Modal
      open={open}
      title={t('submit')}
      okText={t('submit')}
      confirmLoading={busy}
      okButtonProps={{ disabled: needed && !text.trim() }}
      onCancel={onCancel}
      onOk={async () => {
        if ((await onSubmit({ explanation: text.trim() || null, completed_date: a.completed_date ?? null })) !== false) draft.clear();
      }}
    >
      <DraftNote show={draft.restored} onDiscard={draft.discard} />
      {needed && <Alert type="warning" showIcon title={warning} style={{ marginBottom: 12 }} />}
      <label htmlFor="submit-explanation">
        {t('explanation')}
        {needed ? ' *' : ''}
      </label>
      <Input.TextArea id="submit-explanation" rows={3} value={text} onChange={(e) => setText(e.target.value)} />
    </Modal>
  );
}
