// Gives every page below the signed-in user's level words ("Sở Nội vụ" at a province, "Phòng Nội vụ" in Bình Gia 2024).
import { useMemo, type ReactNode } from 'react';
import { useAuth } from './auth';
import { I18nContext, makeI18n, useI18n } from './i18n';
import { levelWords, ownerOf } from './levels';

export function LevelI18n({ children }: { children: ReactNode }) {
  const { lang, setLang } = useI18n();
  const { me } = useAuth();
  const { level, name } = ownerOf(me);
  const value = useMemo(() => makeI18n(lang, setLang, levelWords(level, lang, name)), [lang, setLang, level, name]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}
