import { useEffect, useState } from 'react';
import { TextField } from '@mui/material';
import { useSearchParams } from 'react-router';

/** The search text of a list (`?q=`): in the URL, so a search can be bookmarked and Back undoes it. */
export function useListParam(name: string): [string, (value: string) => void] {
  const [url, setUrl] = useSearchParams();
  const value = url.get(name) ?? '';
  const set = (next: string) =>
    setUrl(
      (current) => {
        const params = new URLSearchParams(current);
        if (next === '') params.delete(name);
        else params.set(name, next);
        // A new search starts at its first page.
        params.delete('page');
        return params;
      },
      { replace: true },
    );
  return [value, set];
}

/** A list's search box: the list follows the text a moment after typing stops. */
export function ListSearch({ label, placeholder }: { label: string; placeholder: string }) {
  const [q, setQ] = useListParam('q');
  const [text, setText] = useState(q);
  // Back, or a link with another search, changes the URL under the box: the box follows it.
  const [shown, setShown] = useState(q);
  if (shown !== q) {
    setShown(q);
    setText(q);
  }
  useEffect(() => {
    if (text.trim() === q) return;
    const timer = setTimeout(() => setQ(text.trim()), 300);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [text]);
  return (
    <TextField
      size="small"
      type="search"
      label={label}
      placeholder={placeholder}
      value={text}
      onChange={(e) => setText(e.target.value)}
      sx={{ flexGrow: 1, minWidth: { xs: '100%', sm: 280 }, maxWidth: { sm: 420 } }}
    />
  );
}
