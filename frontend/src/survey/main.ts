// The public, login-free survey form at /khao-sat/<token> (survey.html): plain DOM, no framework, so a phone on a
// slow link gets it in one small script. Logic in logic.ts; ?kiosk=1 (a tablet at the desk) opens a fresh form a
// few seconds after each thank-you.
import './survey.css';
import {
  buildBody,
  clientId,
  EXTRA_KEY,
  EXTRA_NAMES,
  extrasOf,
  formUrl,
  groups,
  isEmpty,
  isKiosk,
  KIOSK_RESET_SECONDS,
  loadPending,
  missing,
  MSG,
  optionsOf,
  type Draft,
  type Extra,
  type Outcome,
  type Pending,
  type PublicForm,
  type PublicQuestion,
  phoneProblem,
  randomId,
  savePending,
  send,
  tokenFromPath,
} from './logic';

const storage = (() => {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
})();
const token = tokenFromPath(location.pathname);
const kiosk = isKiosk(location.search);
// Asked for at once; the server's `Link: rel=preload` header on the page has usually started it already (this
// request matches that preload: same URL, default mode and credentials, no extra header).
const loading: Promise<Response | null> = token ? fetch(formUrl(token)).catch(() => null) : Promise.resolve(null);

type Child = Node | string | null | undefined | false;
function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | boolean | number | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

const app = document.getElementById('app')!;
let form: PublicForm | null = null;
let draft: Draft = { answers: {}, comment: '', phone: '' };
let extra: Extra | null = null;
let pending: Pending | null = null;
let busy = false;
let retryTimer = 0;
let resetTimer = 0;

function show(...nodes: Node[]) {
  app.replaceChildren(...nodes);
}

function notice(message: string, kind: 'error' | 'info' = 'error', detail?: string[]) {
  return h(
    'div',
    { class: `notice ${kind}`, role: kind === 'error' ? 'alert' : 'status' },
    h('p', {}, message),
    detail?.length ? h('ul', {}, ...detail.map((d) => h('li', {}, d))) : null,
  );
}

function header(f: PublicForm | null) {
  return h(
    'header',
    { class: 'top' },
    f ? h('p', { class: 'where' }, `${f.unit_name} · ${f.desk_name}`) : null,
    h('h1', {}, 'Phiếu khảo sát sự hài lòng'),
  );
}

function extraLabel(q: PublicQuestion) {
  const text = extra ? q.labels?.[extra]?.trim() : '';
  return text && extra ? h('span', { class: 'extra', lang: EXTRA_NAMES[extra].lang }, text) : null;
}

function languagePicker(f: PublicForm) {
  const extras = extrasOf(f.survey.questions);
  if (!extras.length) return null;
  const btn = (x: Extra | null, label: string, lang?: string) => {
    const b = h('button', { type: 'button', class: 'chip', 'aria-pressed': String(extra === x), lang }, label);
    b.addEventListener('click', () => {
      extra = x;
      try {
        if (x) storage?.setItem(EXTRA_KEY, x);
        else storage?.removeItem(EXTRA_KEY);
      } catch {
        /* not kept */
      }
      renderForm();
    });
    return b;
  };
  return h(
    'div',
    { class: 'langs', role: 'group', 'aria-label': 'Hiện thêm câu hỏi bằng tiếng' },
    h('span', { class: 'langs-label' }, 'Hiện thêm:'),
    btn(null, 'Chỉ tiếng Việt'),
    ...extras.map((x) => btn(x, EXTRA_NAMES[x].name, EXTRA_NAMES[x].lang)),
  );
}

function question(q: PublicQuestion, flagged: boolean) {
  const name = `q-${q.id}`;
  const legendId = `${name}-legend`;
  const opts = optionsOf(q).map((o) => {
    const input = h('input', { type: 'radio', name, value: o.value, checked: draft.answers[q.id] === o.value });
    input.addEventListener('change', () => {
      draft.answers[q.id] = o.value;
      fieldset.classList.remove('flagged');
    });
    return h(
      'label',
      { class: 'opt' },
      input,
      h('span', {}, o.vi, extra === 'en' ? h('span', { class: 'extra', lang: 'en' }, o.en) : null),
    );
  });
  const fieldset = h(
    'fieldset',
    { class: `q${flagged ? ' flagged' : ''}`, 'aria-labelledby': legendId, id: `q${q.id}` },
    h(
      'legend',
      { id: legendId },
      h('span', { class: 'qtext' }, q.text),
      extraLabel(q),
      q.required ? h('span', { class: 'req' }, '(bắt buộc)') : null,
    ),
    h('div', { class: `opts ${q.scale === 'yes_no' ? 'yn' : 'l5'}` }, ...opts),
  );
  return fieldset;
}

function renderForm(status?: Node | null, flagged: Set<number> = new Set()) {
  const f = form!;
  const body = h('form', { novalidate: true, 'aria-describedby': 'intro' });
  const sections = groups(f.survey.questions).map((g) =>
    h('section', { class: 'factor' }, h('h2', {}, g.name), ...g.questions.map((q) => question(q, flagged.has(q.id)))),
  );
  body.append(...sections);
  if (f.survey.allow_comment) {
    const ta = h('textarea', { id: 'comment', name: 'comment', rows: 4, maxlength: 2000 });
    ta.value = draft.comment;
    ta.addEventListener('input', () => (draft.comment = ta.value));
    body.append(
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'comment' }, 'Góp ý thêm (không bắt buộc)'),
        ta,
      ),
    );
  }
  const phone = h('input', {
    id: 'phone',
    name: 'phone',
    type: 'tel',
    inputmode: 'tel',
    autocomplete: 'tel',
    maxlength: 20,
    'aria-describedby': 'phone-help',
  });
  phone.value = draft.phone;
  phone.addEventListener('input', () => (draft.phone = phone.value));
  body.append(
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'phone' }, 'Số điện thoại (không bắt buộc)'),
      phone,
      h(
        'p',
        { id: 'phone-help', class: 'help' },
        'Chỉ để cơ quan liên hệ lại khi cần. Số được mã hóa, không ai xem được.',
      ),
    ),
  );
  // A field people never see nor hear (screen readers skip it, Tab skips it): only robots fill it in.
  const hp = h('input', { type: 'text', name: f.honeypot_field_name, id: 'hp', tabindex: -1, autocomplete: 'off' });
  body.append(h('div', { class: 'hp', 'aria-hidden': 'true' }, h('label', { for: 'hp' }, 'Không điền ô này'), hp));
  const live = h('div', { id: 'status' }, status ?? null);
  const submit = h('button', { type: 'submit', class: 'primary', id: 'submit' }, 'Gửi ý kiến');
  body.append(live, submit);
  body.addEventListener('submit', (e) => {
    e.preventDefault();
    void submitDraft(hp.value, live);
  });
  show(
    header(f),
    h(
      'p',
      { class: 'intro', id: 'intro' },
      'Xin Ông/Bà cho biết mức độ hài lòng với việc giải quyết thủ tục hành chính tại đây. Phiếu không ghi tên; chỉ mất khoảng một phút.',
    ),
    languagePicker(f) ?? document.createComment(''),
    body,
  );
}

function renderThanks() {
  clearTimeout(resetTimer);
  const nodes: Node[] = [
    header(form),
    h(
      'div',
      { class: 'thanks', role: 'status' },
      h('h2', { tabindex: -1, id: 'thanks' }, 'Cảm ơn Ông/Bà!'),
      h('p', {}, 'Ý kiến của Ông/Bà đã được ghi nhận và sẽ giúp cơ quan phục vụ tốt hơn.'),
    ),
  ];
  if (kiosk) {
    let left = KIOSK_RESET_SECONDS;
    const count = h('p', { class: 'help', id: 'countdown' }, `Phiếu mới sẽ mở sau ${left} giây.`);
    const now = h('button', { type: 'button', class: 'primary' }, 'Mở phiếu mới ngay');
    now.addEventListener('click', fresh);
    nodes.push(count, now);
    const tick = () => {
      left -= 1;
      if (left <= 0) return fresh();
      count.textContent = `Phiếu mới sẽ mở sau ${left} giây.`;
      resetTimer = window.setTimeout(tick, 1000);
    };
    resetTimer = window.setTimeout(tick, 1000);
  }
  show(...nodes);
  document.getElementById('thanks')?.focus();
}

function fresh() {
  clearTimeout(resetTimer);
  draft = { answers: {}, comment: '', phone: '' };
  extra = null;
  renderForm();
  window.scrollTo(0, 0);
}

async function deliver(p: Pending, live: HTMLElement | null): Promise<Outcome> {
  busy = true;
  const button = document.getElementById('submit') as HTMLButtonElement | null;
  if (button) button.disabled = true;
  live?.replaceChildren(notice('Đang gửi…', 'info'));
  const out = await send(token!, p);
  busy = false;
  if (button) button.disabled = false;
  if (out.kind === 'thanks') {
    pending = null;
    savePending(storage, null);
    renderThanks();
    return out;
  }
  if (out.kind === 'offline' || out.kind === 'server') {
    pending = p;
    savePending(storage, p);
    live?.replaceChildren(notice(out.message), retryButton(live));
    scheduleRetry(live);
  } else if (out.kind === 'rate') {
    pending = p;
    live?.replaceChildren(notice(out.message));
    if (button) {
      button.disabled = true;
      window.setTimeout(() => {
        button.disabled = false;
        live?.replaceChildren(notice('Ông/Bà có thể gửi lại bây giờ.', 'info'));
      }, out.seconds * 1000);
    }
  } else {
    // refused for good (unknown desk, invalid answer): nothing to retry
    pending = null;
    savePending(storage, null);
    live?.replaceChildren(notice(out.message, 'error', out.kind === 'invalid' ? out.fields : undefined));
  }
  live?.querySelector<HTMLElement>('[role=alert]')?.scrollIntoView({ block: 'center' });
  return out;
}

function retryButton(live: HTMLElement) {
  const b = h('button', { type: 'button', class: 'secondary' }, 'Gửi lại');
  b.addEventListener('click', () => pending && !busy && void deliver(pending, live));
  return b;
}

function scheduleRetry(live: HTMLElement | null) {
  clearTimeout(retryTimer);
  retryTimer = window.setTimeout(() => {
    if (pending && !busy && navigator.onLine !== false) void deliver(pending, live);
  }, 15000);
}

async function submitDraft(honeypot: string, live: HTMLElement) {
  if (busy || !form) return;
  // a retry of the answer already kept: same body, same key (the server sees one answer)
  if (pending) return void deliver(pending, live);
  if (isEmpty(draft)) return void live.replaceChildren(notice(MSG.empty));
  const lacking = missing(form.survey.questions, draft);
  if (lacking.length) {
    renderForm(notice(MSG.missing(lacking.length)), new Set(lacking.map((q) => q.id)));
    document.getElementById(`q${lacking[0].id}`)?.scrollIntoView({ block: 'center' });
    return;
  }
  const phoneErr = phoneProblem(draft.phone);
  if (phoneErr) {
    live.replaceChildren(notice(phoneErr));
    document.getElementById('phone')?.focus();
    return;
  }
  const p: Pending = {
    token: token!,
    key: randomId(),
    body: buildBody(form, draft, { kiosk, clientId: clientId(storage), honeypot }),
  };
  await deliver(p, live);
}

window.addEventListener('online', () => {
  if (pending && !busy) void deliver(pending, document.getElementById('status'));
});

async function start() {
  if (!token) return show(header(null), notice(MSG.unknownDesk));
  const res = await loading;
  if (!res) return show(header(null), notice(MSG.loadFailed));
  if (!res.ok) {
    if (res.status === 404 || res.status === 410) return show(header(null), notice(MSG.unknownDesk));
    return show(header(null), notice(MSG.server.replace('Câu trả lời vẫn được giữ lại, x', 'X')));
  }
  form = (await res.json()) as PublicForm;
  document.title = `Khảo sát sự hài lòng – ${form.desk_name}`;
  try {
    const saved = storage?.getItem(EXTRA_KEY) as Extra | null;
    extra = saved && extrasOf(form.survey.questions).includes(saved) ? saved : null;
  } catch {
    extra = null;
  }
  const kept = loadPending(storage, token);
  if (kept) {
    pending = kept;
    renderForm(notice('Đang gửi lại câu trả lời đã lưu trên máy…', 'info'));
    await deliver(kept, document.getElementById('status'));
    return;
  }
  renderForm();
}

void start();
