import { describe, expect, it } from 'vitest';
import { DICTS, makeI18n } from './i18n';
import { levelWords } from './levels';
import en from './locales/en';
import vi from './locales/vi';

describe('i18n through i18next', () => {
  const viT = makeI18n('vi', () => undefined);
  const enT = makeI18n('en', () => undefined);

  it('keeps a placeholder without a value for the page to fill, and fills it when given', () => {
    expect(viT.t('selectItem')).toBe('Chọn {x}');
    expect(viT.t('selectItem', { x: 'Hoa Thám' })).toBe('Chọn Hoa Thám');
    expect(enT.t('bulkSubmit', { n: 3 })).toBe(en.translation.bulkSubmit.replace('{n}', '3'));
    expect(viT.t('periodMonth', { m: 9, y: 2024 })).toBe('Tháng 9/2024');
  });

  it('fills the owner level words, capitalised too', () => {
    const key = (Object.keys(en.translation) as (keyof typeof en.translation)[]).find((k) => en.translation[k].includes('{Cap}'))!;
    const province = makeI18n('en', () => undefined, levelWords('province', 'en'));
    expect(province.t(key)).toContain('Province');
    expect(province.t(key)).not.toContain('{');
    const nv = (Object.keys(vi.translation) as (keyof typeof vi.translation)[]).find((k) => vi.translation[k].includes('{nv}'))!;
    expect(makeI18n('vi', () => undefined, levelWords('province')).t(nv)).toContain('Sở Nội vụ');
    expect(viT.t(nv)).toContain('Phòng Nội vụ');
  });

  it('labels enum values in each language and shows an unknown value as it is', () => {
    expect(viT.label('overdue')).toBe('Quá hạn');
    expect(enT.label('units:read')).toBe('View units');
    expect(viT.label('something_new')).toBe('something_new');
    expect(viT.label(null)).toBe('');
  });

  it('has the same keys in both bundles, every one translated', () => {
    expect(Object.keys(en.translation).sort()).toEqual(Object.keys(vi.translation).sort());
    expect(Object.keys(en.enums).sort()).toEqual(Object.keys(vi.enums).sort());
    expect(DICTS.en.login).toBe('Sign in');
    expect(DICTS.vi.login).toBe('Đăng nhập');
  });
});
