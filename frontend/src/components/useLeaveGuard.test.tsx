import '@testing-library/jest-dom/vitest';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BrowserRouter, Link, Route, Routes } from 'react-router';
import { listenBeforeRouter, useLeaveGuard } from './useLeaveGuard';

listenBeforeRouter(); // as App.tsx does, before any router

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

function Form({ dirty }: { dirty: boolean }) {
  useLeaveGuard(dirty, 'Có thay đổi chưa lưu. Vẫn rời trang?');
  return <h1>Biểu mẫu</h1>;
}

/** The app's component router at "/", then a click on the form's link (a history entry, as in the app). */
async function openForm(dirty: boolean) {
  window.history.replaceState(null, '', '/');
  render(
    <BrowserRouter>
      <Routes>
        <Route path="/" element={<Link to="/form">Mở biểu mẫu</Link>} />
        <Route path="/form" element={<Form dirty={dirty} />} />
      </Routes>
    </BrowserRouter>,
  );
  fireEvent.click(screen.getByText('Mở biểu mẫu'));
  expect(await screen.findByText('Biểu mẫu')).toBeInTheDocument();
}

const back = () => act(() => window.history.back());

describe('Back from a form with unsaved changes', () => {
  it('asks; "stay" keeps the form and its address, "leave" goes back', async () => {
    const confirm = vi.spyOn(window, 'confirm').mockReturnValueOnce(false).mockReturnValueOnce(true);
    await openForm(true);
    await back();
    await waitFor(() => expect(confirm).toHaveBeenCalledTimes(1));
    expect(confirm).toHaveBeenCalledWith('Có thay đổi chưa lưu. Vẫn rời trang?');
    await waitFor(() => expect(window.location.pathname).toBe('/form'));
    expect(screen.getByText('Biểu mẫu')).toBeInTheDocument();
    await back();
    expect(await screen.findByText('Mở biểu mẫu')).toBeInTheDocument();
    expect(confirm).toHaveBeenCalledTimes(2);
    expect(window.location.pathname).toBe('/');
  });

  it('does not ask when nothing is unsaved', async () => {
    const confirm = vi.spyOn(window, 'confirm').mockReturnValue(false);
    await openForm(false);
    await back();
    expect(await screen.findByText('Mở biểu mẫu')).toBeInTheDocument();
    expect(confirm).not.toHaveBeenCalled();
  });
});
