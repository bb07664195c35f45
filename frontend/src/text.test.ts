import { describe, expect, it } from 'vitest';
import { foldVn } from './text';

describe('foldVn', () => {
  it('matches with or without accents, in NFC or NFD, any case', () => {
    const name = 'UBND xã Hoa Thám — Đề án';
    for (const q of ['hoa tham', 'HOA THÁM', 'Hoa Tha\u0301m', 'de an', 'ĐỀ ÁN']) {
      expect(foldVn(name)).toContain(foldVn(q));
    }
    expect(foldVn(name)).not.toContain(foldVn('tân văn'));
  });
});
