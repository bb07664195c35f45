// What an evidence upload may be (GET /evidence/accepted), asked once per page load and shared by every drop zone.
import { useEffect, useState } from 'react';
import { evidenceAccepted } from '../../client/sdk.gen';
import type { AcceptedFiles } from '../../client/types.gen';

let pending: Promise<AcceptedFiles> | null = null;

export function acceptedFiles(): Promise<AcceptedFiles> {
  pending ??= evidenceAccepted({ throwOnError: true })
    .then(({ data: a }) => {
      if (!Array.isArray(a?.types)) throw new Error('unexpected answer');
      return a;
    })
    .catch((e: unknown) => {
      pending = null; // asked again next time
      throw e;
    });
  return pending;
}

/** The `accept` attribute of a file input: every extension the content check knows (.jpg also as .jpeg). */
export function acceptAttr(a: Pick<AcceptedFiles, 'types'>): string {
  const ext = a.types.flatMap((t) => (t.extension === 'jpg' ? ['jpg', 'jpeg'] : [t.extension]));
  return ext.map((e) => `.${e}`).join(',');
}

/** Over the limit? (the server refuses it anyway; this says so before the upload starts) */
export const tooBig = (size: number, maxMb: number) => size > maxMb * 1024 * 1024;

/** The accepted types and size limit for a drop zone (its hint and its `accept`); null until known or if unknown. */
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
