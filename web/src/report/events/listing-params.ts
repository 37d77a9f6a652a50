/** The events listing's own URL parameters (paging, sort, column conditions) as the API names them. */
export function eventsListingParams(url: URLSearchParams): URLSearchParams {
  const out = new URLSearchParams();
  for (const key of ['sort', 'order', 'where']) {
    const value = url.get(key);
    if (value) out.set(key, value);
  }
  return out;
}
