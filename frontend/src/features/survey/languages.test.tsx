import '@testing-library/jest-dom/vitest';
import { cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import '../../api/http'; // the SDK client's fetch and error interceptor, as in the app
import { stubAntdDom } from '../../components/testDom';
import { stubFetch } from '../../test/fetchStub';
import { page, renderWithQuery } from '../../test/renderWithQuery';
import Surveys from './Surveys';

vi.mock('../../auth', () => ({
  useAuth: () => ({ can: () => true, me: { memberships: [{ unit_id: 1, unit_name: 'UBND huyện Bình Gia', role: 'district_admin' }] } }),
}));

beforeEach(stubAntdDom);
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const survey = {
  id: 5, code: 'SIPAS_MAC_DINH', name: 'Phiếu khảo sát mặc định', version: 1, status: 'published', verified: false,
  published_at: '2024-01-15T03:00:00Z', allow_comment: true, source_note: null, owner_unit_id: null, questions: [],
  weights: {}, languages: [
    { code: 'tay', name: 'Tiếng Tày', questions: 12, labelled: 0, verified: false, note: 'Chưa có bản dịch tiếng Tày.' },
    { code: 'en', name: 'Tiếng Anh', questions: 12, labelled: 12, verified: false, note: null },
  ],
};

describe('survey definition: other languages flagged, never silently empty', { timeout: 30000 }, () => {
  it('shows how many questions carry each language and that they are unchecked', async () => {
    stubFetch({ 'GET /api/v1/surveys': page([survey]) });
    renderWithQuery(<Surveys />, { antApp: true });
    fireEvent.click(await screen.findByText('Phiếu khảo sát mặc định'));
    expect(await screen.findByTestId('lang-tay')).toHaveTextContent('Tiếng Tày: 0/12 câu hỏi');
    expect(screen.getByTestId('lang-en')).toHaveTextContent('12/12');
    expect(screen.getByText('Chưa có bản dịch tiếng Tày.')).toBeInTheDocument();
  });
});
