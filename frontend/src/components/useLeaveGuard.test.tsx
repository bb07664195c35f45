import '@testing-library/jest-dom/vitest';
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryRouter, Outlet, RouterProvider } from 'react-router';
import { LeaveBlocker, useLeaveGuard } from './useLeaveGuard';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

function Form({ dirty }: { dirty: boolean }) {
  useLeaveGuard(dirty, 'Có thay đổi chưa lưu. Vẫn rời trang?');
  return <h1>Biểu mẫu</h1>;
}

const app = (dirty: boolean) =>
  createMemoryRouter(
    [
      {
        element: (
          <>
            <LeaveBlocker />
            <Outlet />
          </>
        ),
        children: [
          { path: '/', element: <h1>Danh sách</h1> },
          { path: '/form', element: <Form dirty={dirty} /> },
        ],
      },
    ],
    { initialEntries: ['/', '/form'], initialIndex: 1 },
  );

describe('leaving a form with unsaved changes (data router)', () => {
  it('asks on Back and stays when the user says no, leaves when yes', async () => {
    const confirm = vi.spyOn(window, 'confirm').mockReturnValueOnce(false).mockReturnValueOnce(true);
    const router = app(true);
    render(<RouterProvider router={router} />);
    expect(await screen.findByText('Biểu mẫu')).toBeInTheDocument();
    await act(() => router.navigate(-1));
    expect(confirm).toHaveBeenCalledWith('Có thay đổi chưa lưu. Vẫn rời trang?');
    expect(screen.getByText('Biểu mẫu')).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/form');
    await act(() => router.navigate(-1));
    expect(confirm).toHaveBeenCalledTimes(2);
    expect(await screen.findByText('Danh sách')).toBeInTheDocument();
  });

  it('asks before an in-app link or redirect too, and never when nothing is unsaved', async () => {
    const confirm = vi.spyOn(window, 'confirm').mockReturnValue(false);
    const dirty = app(true);
    render(<RouterProvider router={dirty} />);
    await screen.findByText('Biểu mẫu');
    await act(() => dirty.navigate('/'));
    expect(confirm).toHaveBeenCalledTimes(1);
    expect(dirty.state.location.pathname).toBe('/form');
    cleanup();
    const clean = app(false);
    render(<RouterProvider router={clean} />);
    await screen.findByText('Biểu mẫu');
    await act(() => clean.navigate(-1));
    expect(await screen.findByText('Danh sách')).toBeInTheDocument();
    expect(confirm).toHaveBeenCalledTimes(1);
  });
});
