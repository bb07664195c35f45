import { cleanup, render, screen } from '@testing-library/react';
import { MemoryRouter, Route, Routes } from 'react-router';
import { afterEach, describe, expect, it } from 'vitest';
import ValidId, { isObjectId } from './ValidId';

afterEach(cleanup);

const at = (path: string) =>
  render(
    <MemoryRouter initialEntries={[path]}>
      <Routes>
        <Route element={<ValidId />}>
          <Route path="assignments/:id" element={<p>chi tiết</p>} />
        </Route>
      </Routes>
    </MemoryRouter>,
  );

describe('an id in the address', () => {
  it('is a positive whole number', () => {
    expect(isObjectId('531')).toBe(true);
    expect(isObjectId(undefined)).toBe(true); // a list page without an id
    for (const bad of ['abc', '0', '-1', '1e3', '12.5', ' 7', '07', '12345678901234567'])
      expect(isObjectId(bad), bad).toBe(false);
  });
  it('opens the page for a whole number', () => {
    at('/assignments/531');
    expect(screen.getByText('chi tiết')).toBeTruthy();
  });
  it('shows "not found" for anything else, without opening the page', () => {
    at('/assignments/abc');
    expect(screen.queryByText('chi tiết')).toBeNull();
    expect(screen.getByText('Không tìm thấy hoặc bạn không có quyền xem.')).toBeTruthy();
  });
});
