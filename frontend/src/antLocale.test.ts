import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { enUS, viVN } from './antLocale';

const sources = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return f === 'client' ? [] : sources(p);
    return /\.(ts|tsx)$/.test(f) && !/\.test\.tsx?$/.test(f) ? [p] : [];
  });

describe('antd words', () => {
  it('date pickers say "Chọn ngày"', () => {
    expect(viVN.DatePicker?.lang.placeholder).toBe('Chọn ngày');
    expect(viVN.DatePicker?.lang.rangePlaceholder).toEqual(['Từ ngày', 'Đến ngày']);
    expect(enUS.DatePicker?.lang.placeholder).toBe('Select date');
  });

  it('spells "Hủy" one way in antd and in every word of the app', () => {
    expect(viVN.Modal?.cancelText).toBe('Hủy');
    expect(viVN.Popconfirm?.cancelText).toBe('Hủy');
    const other = sources(join(__dirname)).filter((p) => /[Hh]uỷ/.test(readFileSync(p, 'utf8')));
    expect(other).toEqual([]);
  });
});
