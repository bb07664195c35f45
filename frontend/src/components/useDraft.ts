import { useCallback, useState } from 'react';

/** Drafts of long texts (result, giải trình, narrative) kept in sessionStorage until saved: a reload or a closed
 *  form does not lose them. One entry per user and object (`draftKey(userId, 'assignment', 12, 'result')`), so an
 *  officer never sees another account's draft on a shared computer tab. */
const PREFIX = 'parsipas.draft.';

export const draftKey = (userId: number | null | undefined, ...parts: (string | number)[]): string | null =>
  userId == null ? null : `${PREFIX}${userId}.${parts.join('.')}`;

const read = (key: string | null): string | null => {
  if (!key) return null;
  try {
    return sessionStorage.getItem(key);
  } catch {
    return null; // storage disabled: no drafts, the form still works
  }
};
const write = (key: string | null, value: string | null) => {
  if (!key) return;
  try {
    if (value === null) sessionStorage.removeItem(key);
    else sessionStorage.setItem(key, value);
  } catch {
    /* full or disabled: the draft is only in memory */
  }
};

export type Draft = {
  value: string;
  /** Type into the draft: kept in sessionStorage while it differs from the saved text. */
  setValue: (v: string) => void;
  /** A stored draft different from the saved text was put back on mount (show DraftNote). */
  restored: boolean;
  /** Throw the draft away: back to the saved text. */
  discard: () => void;
  /** After a successful save: forget the draft (the saved text is now the truth). */
  clear: () => void;
};

/** `key` null (no user, nothing editable) keeps the text in memory only. `saved` is the server's text. */
export function useDraft(key: string | null, saved: string): Draft {
  const [state, setState] = useState(() => {
    const stored = read(key);
    return stored !== null && stored !== saved ? { value: stored, restored: true } : { value: saved, restored: false };
  });
  const setValue = useCallback(
    (v: string) => {
      setState((s) => ({ ...s, value: v }));
      write(key, v === saved ? null : v);
    },
    [key, saved],
  );
  const discard = useCallback(() => {
    write(key, null);
    setState({ value: saved, restored: false });
  }, [key, saved]);
  const clear = useCallback(() => {
    write(key, null);
    setState((s) => ({ ...s, restored: false }));
  }, [key]);
  return { ...state, setValue, discard, clear };
}

/** Read a stored draft without a hook (forms whose fields antd holds: set the field from it on mount). */
export const readDraft = read;
/** Store or forget (null) a draft without a hook. */
export const writeDraft = write;
