import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { MemoryRouter, Route, Routes, useLocation, useNavigate } from 'react-router';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { stubAntdDom } from '../../components/testDom';
import Login from './Login';

// Signed in as a Phòng Nội vụ officer who may read plans (the state auth.tsx holds once login() has resolved).
const state = vi.hoisted(() => ({ me: null as null | { id: number } }));
vi.mock('../../auth', () => ({
  useAuth: () => ({ me: state.me, ready: true, can: (p: string) => p === 'plans:read', login: async () => {}, logout: async () => {} }),
}));

beforeAll(() => stubAntdDom());
afterEach(cleanup);

function Where() {
  const loc = useLocation();
  const nav = useNavigate();
  return (
    <div>
      <span data-testid="where">{loc.pathname}</span>
      <button onClick={() => nav(-1)}>back</button>
    </div>
  );
}

const app = () =>
  render(
    <MemoryRouter initialEntries={['/before', '/login?next=%2Fplans%3Fyear%3D2024']} initialIndex={1}>
      <Routes>
        <Route path="/login" element={<Login />} />
        <Route path="*" element={<Where />} />
      </Routes>
    </MemoryRouter>,
  );

describe('after login', { timeout: 20000 }, () => {
  it('goes to the requested page and replaces /login in the history (Back does not return to the form)', () => {
    state.me = { id: 3 };
    app();
    expect(screen.getByTestId('where').textContent).toBe('/plans');
    fireEvent.click(screen.getByText('back'));
    expect(screen.getByTestId('where').textContent).toBe('/before');
  });

  it('signed out: the login form stays', () => {
    state.me = null;
    app();
    expect(screen.queryByTestId('where')).toBeNull();
    expect(screen.getByRole('button', { name: /Đăng nhập/ })).toBeTruthy();
  });
});
