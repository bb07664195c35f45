// Hooks shared by the administration tabs.
import { useCallback, useState } from 'react';
import type { OrgUnitRead } from '../../client/types.gen';
import { useLoad } from '../../components/common';
import { loadAll, newIdempotencyKey } from './lib';

/** The units the caller can see, in tree order (path), shared by every admin tab. */
export function useUnits() {
  return useLoad(() => loadAll<OrgUnitRead>('/org-units'), []);
}

export function useIdempotencyKey(prefix: string): [string, () => void] {
  const [key, setKey] = useState(() => newIdempotencyKey(prefix));
  const renew = useCallback(() => setKey(newIdempotencyKey(prefix)), [prefix]);
  return [key, renew];
}

