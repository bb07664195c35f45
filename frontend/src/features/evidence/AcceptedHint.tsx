import type { AcceptedFiles } from '../../client/types.gen';
import { useEvidenceWords } from './words';

/** The accepted types and size limit, said under (inside) a drop zone. */
export default function AcceptedHint({ accepted, id }: { accepted: AcceptedFiles | null; id?: string }) {
  const { w } = useEvidenceWords();
  if (!accepted) return null;
  return (
    <p className="drop-hint" id={id} data-testid="accepted-files">
      {w('accepted', { names: accepted.names, mb: accepted.max_mb })} {w('checked')}
    </p>
  );
}
