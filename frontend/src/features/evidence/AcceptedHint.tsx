import { useEffect, useState } from 'react';
import type { AcceptedFiles } from '../../client/types.gen';
import { acceptedFiles } from './accepted';
import { useEvidenceWords } from './words';

/** The accepted types and size limit, said under a drop zone; `onLoad` passes them to the zone (its `accept`). */
export function useAcceptedFiles(): AcceptedFiles | null {
  const [a, setA] = useState<AcceptedFiles | null>(null);
  useEffect(() => {
    let alive = true;
    acceptedFiles().then(
      (v) => alive && Array.isArray(v?.types) && setA(v),
      () => undefined, // the hint is left out; the server still says what it refuses
    );
    return () => {
      alive = false;
    };
  }, []);
  return a;
}

export default function AcceptedHint({ accepted, id }: { accepted: AcceptedFiles | null; id?: string }) {
  const { w } = useEvidenceWords();
  if (!accepted) return null;
  return (
    <p className="drop-hint" id={id} data-testid="accepted-files">
      {w('accepted', { names: accepted.names, mb: accepted.max_mb })} {w('checked')}
    </p>
  );
}
