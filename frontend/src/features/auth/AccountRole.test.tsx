import '@testing-library/jest-dom/vitest';
import { cleanup, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { stubAntdDom } from '../../components/testDom';
import { I18nContext, makeI18n } from '../../i18n';
import { stubFetch } from '../../test/fetchStub';
import { renderWithQuery } from '../../test/renderWithQuery';
import Account from './Account';

vi.mock('../../auth', () => ({
  useAuth: () => ({
    can: () => false,
    me: {
      id: 8,
      username: 'canbo.hoatham',
      full_name: 'Nông Thị Thu',
      permissions: [],
      memberships: [
        { unit_id: 23, unit_code: 'LS.BG.X.HOATHAM', unit_name: 'UBND xã Hoa Thám', unit_level: 'commune', role: 'unit_officer', role_label: 'Công chức' },
      ],
    },
  }),
}));

beforeEach(() => {
  stubAntdDom();
  stubFetch({});
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('My account: the role in the chosen language', () => {
  it('Vietnamese shows the API role_label (the name at the unit level)', () => {
    renderWithQuery(<Account />, { route: '/account', path: '/account' });
    expect(screen.getByText('Công chức — UBND xã Hoa Thám (LS.BG.X.HOATHAM)')).toBeInTheDocument();
  });

  it('English shows the role label, not the Vietnamese role_label', () => {
    renderWithQuery(
      <I18nContext.Provider value={makeI18n('en', () => undefined)}>
        <Account />
      </I18nContext.Provider>,
      { route: '/account', path: '/account' },
    );
    expect(screen.getByText('Officer — UBND xã Hoa Thám (LS.BG.X.HOATHAM)')).toBeInTheDocument();
    expect(screen.queryByText(/Công chức/)).toBeNull();
  });
});
