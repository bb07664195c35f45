// Every org unit (the API pages them, 500 at a time) as one query, shared by the feature screens that name units
// (plans, activities, survey): fetched once per screen visit, through the generated SDK.
import { useQuery } from '@tanstack/react-query';
import { orgUnitsListQueryKey } from '../client/@tanstack/react-query.gen';
import { orgUnitsList } from '../client/sdk.gen';
import type { OrgUnitRead } from '../client/types.gen';
import { everyPage } from '../components/queries';

const PAGE = 500;

export function allOrgUnits(signal?: AbortSignal, pageSize = PAGE): Promise<OrgUnitRead[]> {
  return everyPage(
    async (page) => (await orgUnitsList({ query: page, signal, throwOnError: true })).data,
    pageSize,
  );
}

/** All units (an empty list when `enabled` is false, e.g. a role without units:read). */
export function useAllOrgUnits(enabled = true) {
  return useQuery({
    queryKey: [...orgUnitsListQueryKey(), 'all'] as const,
    queryFn: ({ signal }) => allOrgUnits(signal),
    enabled,
  });
}
