// Renders a component as the app does: a fresh TanStack Query client per test (no cache shared between tests), a
// memory router at the given address and, if asked, antd's App (message/modal) — the network is stubFetch()'s.
//
//   const net = stubFetch({ 'GET /api/v1/imports/history': page([...]) });
//   const { client } = renderWithQuery(<ImportHistory ... />, { route: '/imports', path: '/imports' });
//   expect(await screen.findByText('...')).toBeInTheDocument();
import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { render, type RenderResult } from '@testing-library/react';
import { App as AntApp } from 'antd';
import type { ReactElement } from 'react';
import { MemoryRouter, Route, Routes } from 'react-router';
import { makeQueryClient } from '../api/query';

export interface RenderOptions {
  /** the address the router starts at (default "/") */
  route?: string;
  /** a route pattern for the element, so useParams() works (e.g. "/assignments/:id") */
  path?: string;
  /** wrap in antd's <App> (App.useApp(): message, modal) as WithAntApp does */
  antApp?: boolean;
  /** reuse a client (e.g. to look at its cache); default a fresh one with no retry */
  client?: QueryClient;
}

/** A query client for tests: as the app's, but no retry (an error shows at once). */
export function testQueryClient(): QueryClient {
  const client = makeQueryClient();
  client.setDefaultOptions({
    queries: { ...client.getDefaultOptions().queries, retry: false, gcTime: Infinity },
    mutations: { retry: false },
  });
  return client;
}

export function renderWithQuery(ui: ReactElement, opts: RenderOptions = {}): RenderResult & { client: QueryClient } {
  const client = opts.client ?? testQueryClient();
  const page = opts.antApp ? <AntApp>{ui}</AntApp> : ui;
  const routed = (
    <MemoryRouter initialEntries={[opts.route ?? '/']}>
      <Routes>
        <Route path={opts.path ?? '*'} element={page} />
      </Routes>
    </MemoryRouter>
  );
  const result = render(<QueryClientProvider client={client}>{routed}</QueryClientProvider>);
  return { ...result, client };
}

/** A list page as the API answers it. */
export const page = <T,>(items: T[], total = items.length) => ({ items, total, limit: 50, offset: 0 });
