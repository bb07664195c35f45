// Queries shared by the administration tabs (and any page that lists units): the generated SDK through TanStack
// Query; writes invalidate these keys.
import { queryOptions } from '@tanstack/react-query';
import { orgUnitsListQueryKey } from '../../client/@tanstack/react-query.gen';
import { orgUnitsList } from '../../client/sdk.gen';
import type { OrgUnitRead } from '../../client/types.gen';
import { everyPage } from '../../components/queries';

/**
 * Every unit the caller can see, in tree order (path). Keyed under orgUnitsList, so invalidating
 * `orgUnitsListQueryKey()` after a unit is created, changed or removed refreshes it.
 */
export const allOrgUnitsOptions = () =>
  queryOptions({
    queryKey: [...orgUnitsListQueryKey(), 'all'] as const,
    queryFn: ({ signal }): Promise<OrgUnitRead[]> =>
      everyPage(async (query) => (await orgUnitsList({ query, signal, throwOnError: true })).data),
  });
