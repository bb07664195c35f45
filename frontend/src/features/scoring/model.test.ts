import { describe, expect, it } from 'vitest';
import { DICTS } from '../../i18n';
import { decimalText, pts, STATUS_KEYS } from './model';

describe('scoring model', () => {
  it('shows exact points with a decimal comma, never through a float', () => {
    expect(pts('0.75', 'vi')).toBe('0,75');
    expect(pts('0.75', 'en')).toBe('0.75');
    expect(pts('1234.125', 'vi')).toBe('1234,125');
    expect(pts(null, 'vi')).toBe('–');
  });
  it('sends what was typed as decimal text', () => {
    expect(decimalText(' 97,9 ')).toBe('97.9');
    expect(decimalText('0.25')).toBe('0.25');
    expect(decimalText('')).toBeNull();
  });
  it('labels every sheet status in both languages (no raw enum values)', () => {
    for (const key of Object.values(STATUS_KEYS)) {
      expect(DICTS.vi[key]).toBeTruthy();
      expect(DICTS.en[key]).toBeTruthy();
    }
    expect(DICTS.vi[STATUS_KEYS.under_appraisal]).toBe('Đang thẩm định');
  });
});
