import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { stubAntdDom } from '../../components/testDom';
import App from '../../App';

beforeAll(() => {
  // The generated client builds Request objects from relative paths, as a browser allows; Node needs a base.
  const NativeRequest = globalThis.Request;
  vi.stubGlobal(
    'Request',
    class extends NativeRequest {
      constructor(input: RequestInfo | URL, init?: RequestInit) {
        super(typeof input === 'string' && input.startsWith('/') ? `http://localhost${input}` : input, init);
      }
    },
  );
  stubAntdDom();
});

afterEach(cleanup);

const me = (flag: boolean) => ({
  id: 9,
  username: 'canbo3.hoatham',
  full_name: 'Cán bộ ba',
  kind: 'user',
  language: 'vi',
  must_change_password: flag,
  memberships: [],
  permissions: [],
});
const pair = { access_token: 'acc', refresh_token: 'refresh-0123456789', token_type: 'bearer', expires_in: 900 };
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

describe('a password set by an administrator', () => {
  it('sends the user to the password change screen, then lets them go on', async () => {
    sessionStorage.setItem('parsipas.refresh', 'refresh-0123456789');
    let changed = false;
    const seen: string[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (input: Request | string, init?: RequestInit) => {
        const req = input instanceof Request ? input : new Request(new URL(input, 'http://x'), init);
        const path = new URL(req.url).pathname;
        seen.push(`${req.method} ${path}`);
        if (path === '/api/v1/auth/refresh' || path === '/api/v1/auth/login') return json({ ...pair, must_change_password: !changed });
        if (path === '/api/v1/me') return json(me(!changed));
        if (path === '/api/v1/me/password') {
          const body = (await req.json()) as { current_password: string; new_password: string };
          expect(body).toEqual({ current_password: 'Mat-khau-tam-2026', new_password: 'Lua-chon-rieng-2026' });
          changed = true;
          return new Response(null, { status: 204 });
        }
        return json({ type: 'about:blank', status: 403, code: 'password_change_required', detail: 'Vui lòng đổi mật khẩu' }, 403);
      }),
    );
    render(<App />);
    expect(await screen.findByRole('heading', { name: 'Đổi mật khẩu' }, { timeout: 5000 })).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Mật khẩu hiện tại'), { target: { value: 'Mat-khau-tam-2026' } });
    fireEvent.change(screen.getByLabelText('Mật khẩu mới'), { target: { value: 'Lua-chon-rieng-2026' } });
    fireEvent.change(screen.getByLabelText('Nhập lại mật khẩu mới'), { target: { value: 'Lua-chon-rieng-2026' } });
    fireEvent.click(screen.getByRole('button', { name: 'Đổi mật khẩu' }));
    await waitFor(() => expect(changed).toBe(true), { timeout: 5000 });
    // Changing ends the sessions: the screen signs in again with the new password and the app opens.
    await waitFor(() => expect(screen.queryByRole('heading', { name: 'Đổi mật khẩu' })).toBeNull(), { timeout: 5000 });
    expect(seen).toContain('POST /api/v1/auth/login');
    expect(seen.indexOf('POST /api/v1/me/password')).toBeLessThan(seen.lastIndexOf('POST /api/v1/auth/login'));
  }, 20000);
});
