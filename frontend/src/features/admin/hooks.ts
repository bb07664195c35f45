// Hooks shared by the administration tabs.
import { useQuery } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { allOrgUnitsOptions } from './queries';
import { newIdempotencyKey } from './lib';

/** The units the caller can see, in tree order (path), shared by every admin tab (one cached query). */
export function useUnits() {
  return useQuery(allOrgUnitsOptions());
}

export function useIdempotencyKey(prefix: string): [string, () => void] {
  const [key, setKey] = useState(() => newIdempotencyKey(prefix));
  const renew = useCallback(() => setKey(newIdempotencyKey(prefix)), [prefix]);
  return [key, renew];
}
