const KEY = 'tally.manager.switched';

/** Keeps, across the reload that follows a change of server, what Settings did. */
export function rememberSwitch(text: string): void {
  sessionStorage.setItem(KEY, text);
}

/** What Settings did before the reload, once. */
export function takeSwitch(): string | null {
  const text = sessionStorage.getItem(KEY);
  sessionStorage.removeItem(KEY);
  return text;
}
