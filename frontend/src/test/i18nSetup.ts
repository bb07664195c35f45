// Vitest setup (vite.config.ts): i18next holds both bundles from the start, so tests render words synchronously
// (the app loads one bundle per language with import(), see i18n.tsx).
import { initI18nWith } from '../i18n';
import en from '../locales/en';
import vi from '../locales/vi';

initI18nWith({ vi, en });
