/** The Chromium executable, or an error that says how to get one. */
export function chromiumPath(): string;
