// The SPA's words through i18next: one bundle per language (locales/vi.ts, locales/en.ts), each its own chunk loaded
// with import() when the language is used (main.tsx asks for the saved language's one at boot, in parallel with the
// app; English is fetched only when chosen). Pages keep `useI18n()`: t(key, vars) with {x} placeholders, label(enum),
// date/dateTime dd/mm/yyyy and decimal comma, Asia/Ho_Chi_Minh; the owner level's words ({nv}, {cap}…) are filled in.
import i18next, { type BackendModule, type InitOptions, type TOptions } from 'i18next';
import { createContext, useCallback, useContext, useMemo, useState } from 'react';
import { initReactI18next, useTranslation } from 'react-i18next';
import { levelVars, levelWords, type LevelWords } from './levels';
import type viBundle from './locales/vi';

export type Lang = 'vi' | 'en';
export const TZ = 'Asia/Ho_Chi_Minh';

/** A language's bundle: the words (`translation`) and the labels of API enum values (`enums`). */
export type Bundle = { translation: Record<Key, string>; enums: Record<string, string> };
export type Key = keyof (typeof viBundle)['translation'];

/** Where the chosen language is kept between visits (as before i18next). */
export const LANG_KEY = 'parsipas.lang';
export function savedLang(): Lang {
  try {
    return localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'vi';
  } catch {
    return 'vi';
  }
}

/** One chunk per language; main.tsx starts the saved language's import() with the boot, this one reuses it. */
const BUNDLES: Record<Lang, () => Promise<{ default: Bundle }>> = {
  vi: () => import('./locales/vi'),
  en: () => import('./locales/en'),
};

const lazyBundles: BackendModule = {
  type: 'backend',
  init: () => undefined,
  read(lng, ns, done) {
    const load = BUNDLES[lng as Lang];
    if (!load) return done(null, {});
    load().then(
      (m) => done(null, m.default[ns as keyof Bundle] ?? {}),
      (e: unknown) => done(e instanceof Error ? e.message : String(e), false),
    );
  },
};

const NAMESPACES = ['translation', 'enums'];
const OPTIONS: InitOptions = {
  supportedLngs: ['vi', 'en'],
  fallbackLng: false, // both bundles hold every key (en.ts is typed by vi.ts): never fetch a second language
  load: 'currentOnly',
  ns: NAMESPACES,
  defaultNS: 'translation',
  keySeparator: false, // keys are flat; enum values hold dots and colons ("units:read")
  nsSeparator: false,
  returnNull: false,
  // {x} as in the dictionary; a placeholder without a value stays as it is (pages may fill it later)
  interpolation: { prefix: '{', suffix: '}', escapeValue: false, skipOnVariables: true },
  react: { useSuspense: false, bindI18n: 'languageChanged loaded' },
};

let booting: Promise<unknown> | null = null;

/** The app: i18next with the saved language, its bundle read through import(). Idempotent. */
export function bootI18n(): Promise<unknown> {
  if (booting) return booting;
  if (i18next.isInitialized) {
    // already given its bundles (tests): follow the saved language as the app did at mount
    const lng = savedLang();
    booting = i18next.language === lng ? Promise.resolve() : i18next.changeLanguage(lng);
    return booting;
  }
  const lng = savedLang();
  document.documentElement.lang = lng;
  booting = i18next.use(lazyBundles).use(initReactI18next).init({ ...OPTIONS, lng });
  return booting;
}

/** Tests: i18next with the bundles given at once, ready synchronously (src/test/i18nSetup.ts). */
export function initI18nWith(resources: Partial<Record<Lang, Bundle>>, lng: Lang = 'vi'): void {
  if (i18next.isInitialized) {
    for (const [l, b] of Object.entries(resources)) for (const ns of NAMESPACES) i18next.addResourceBundle(l, ns, b[ns as keyof Bundle], true, true);
    return;
  }
  void i18next.use(initReactI18next).init({ ...OPTIONS, lng, resources, initAsync: false });
}

/** The loaded bundles' words by language (a language not loaded yet is empty). */
export const DICTS: Record<Lang, Record<Key, string>> = {
  get vi() {
    return (i18next.getResourceBundle('vi', 'translation') ?? {}) as Record<Key, string>;
  },
  get en() {
    return (i18next.getResourceBundle('en', 'translation') ?? {}) as Record<Key, string>;
  },
};

export interface I18n {
  lang: Lang;
  setLang: (l: Lang) => void;
  t: (k: Key, vars?: Record<string, string | number>) => string;
  label: (v: string | null | undefined) => string;
  date: (v: string | null | undefined) => string;
  dateTime: (v: string | null | undefined) => string;
  num: (v: number | null | undefined, digits?: number) => string;
}

const locale = (l: Lang) => (l === 'vi' ? 'vi-VN' : 'en-GB');
const translate = (key: string, opts: TOptions): string => i18next.t(key, opts) as unknown as string;

/** ``words``: the owner level's words (see levels.ts); without them, those of a district (Bình Gia 2024). */
export function makeI18n(lang: Lang, setLang: (l: Lang) => void, words: LevelWords = levelWords('district', lang)): I18n {
  const level = levelVars(words);
  // A word without values of its own is the same every time for this language and level: looked up once (a list of
  // 200 rows asks for the same few words thousands of times). A key not found yet (bundle not loaded) is not kept.
  const seen = new Map<string, string>();
  const once = (key: string, ns: 'translation' | 'enums', fallback?: string): string => {
    const id = ns === 'enums' ? `enums\u0000${key}` : key;
    let v = seen.get(id);
    if (v === undefined) {
      v = translate(key, { lng: lang, ns, ...level, ...(fallback === undefined ? {} : { defaultValue: fallback }) });
      if (i18next.hasResourceBundle(lang, ns)) seen.set(id, v);
    }
    return v;
  };
  return {
    lang,
    setLang,
    t: (k, vars) => (vars ? translate(k, { lng: lang, ...level, ...vars }) : once(k, 'translation')),
    label: (v) => (v == null ? '' : once(v, 'enums', v)),
    date: (v) => formatDate(v),
    dateTime: (v) => formatDateTime(v),
    num: (v, digits = 1) =>
      v == null ? '' : new Intl.NumberFormat(locale(lang), { maximumFractionDigits: digits }).format(v),
  };
}

/**
 * App.tsx: the interface language (i18next's, re-rendered when it changes) and the I18n built on it; `ready` is
 * false until the language's bundle has arrived (render nothing until then: never a key on screen). setLang loads
 * the other bundle first, then switches, keeps the choice and sets the document's `lang`.
 */
export function useLanguage(): { i18n: I18n; ready: boolean } {
  useState(bootI18n);
  const { i18n: inst, ready } = useTranslation(NAMESPACES, { useSuspense: false });
  const lang: Lang = inst.language === 'en' ? 'en' : 'vi';
  const setLang = useCallback(
    (l: Lang) => {
      void inst.changeLanguage(l).then(() => {
        localStorage.setItem(LANG_KEY, l);
        document.documentElement.lang = l;
      });
    },
    [inst],
  );
  const i18n = useMemo(() => makeI18n(lang, setLang), [lang, setLang]);
  return { i18n, ready };
}

/** dd/mm/yyyy. Plain dates (YYYY-MM-DD) are shown as is; timestamps are converted to Asia/Ho_Chi_Minh. */
export function formatDate(v: string | null | undefined): string {
  if (!v) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (m) return `${m[3]}/${m[2]}/${m[1]}`;
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) return v;
  return new Intl.DateTimeFormat('en-GB', { timeZone: TZ, day: '2-digit', month: '2-digit', year: 'numeric' }).format(d);
}

export function formatDateTime(v: string | null | undefined): string {
  if (!v) return '';
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) return v;
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: TZ,
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(d);
  return parts.replace(',', '');
}

/** Decimal comma as used in Vietnamese documents ("12,5"). */
export function formatNumberVi(v: number, digits = 1): string {
  return new Intl.NumberFormat('vi-VN', { maximumFractionDigits: digits }).format(v);
}

export const I18nContext = createContext<I18n>(makeI18n('vi', () => undefined));
export const useI18n = (): I18n => useContext(I18nContext);
