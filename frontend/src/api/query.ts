// Server state: one TanStack Query client over the generated SDK (src/client, @tanstack/react-query plugin).
// Pages read with `useQuery(xxxOptions({ path, query }))` and write with `useMutation(xxxMutation())`, then
// invalidate what the write changed (`queryClient.invalidateQueries({ queryKey: xxxQueryKey(...) })`).
// Errors reach the page as ApiError (the problem+json body and the status), as they do from api().
import { QueryClient } from '@tanstack/react-query';
import { ApiError } from './http';

function retry(failures: number, error: unknown): boolean {
  // A refusal (4xx) is an answer, not a hiccup; a dropped link or a 5xx is tried once more.
  if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
  return failures < 1;
}

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      // Every screen shows what the server holds when it opens (as before); no refetch behind the user's back.
      queries: { retry, staleTime: 0, refetchOnWindowFocus: false },
      mutations: { retry: false },
    },
  });
}

export const queryClient = makeQueryClient();
