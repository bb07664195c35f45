// Every org unit (the API pages them, 500 at a time) as one query, shared by the feature screens that name units
// (plans, activities, survey): fetched once per screen visit, through the generated SDK.
import { useQuery } from '@tanstack/react-query';
import { orgUnitsListQueryKey } from '../client/@tanstack/react-query.gen';
import { orgUnitsList } from '../client/sdk.gen';
import type { OrgUnitRead } from '../client/types.gen';

const PAGE = 500;

export async function allOrgUnits(signal?: AbortSignal): Promise<OrgUnitRead[]> {
  const out: OrgUnitRead[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const { data } = await orgUnitsList({ query: { limit: PAGE, offset }, signal, throwOnError: true });
    out.push(...data.items);
    if (out.length >= data.total || data.items.length === 0) return out;
  }
}

/** All units (an empty list when `enabled` is false, e.g. a role without units:read). */
export function useAllOrgUnits(enabled = true) {
  return useQuery({
    queryKey: [...orgUnitsListQueryKey(), 'all'] as const,
    queryFn: ({ signal }) => allOrgUnits(signal),
    enabled,
  });
}
