// Where the Chromium that drives the end-to-end tests and the report benchmark is: CHROMIUM_PATH,
// or Debian's package (scripts/install-deps installs it).
import { existsSync } from 'node:fs';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/lib/chromium/chromium'];

/** The Chromium executable, or an error that says how to get one. */
export function chromiumPath() {
  const path = [process.env.CHROMIUM_PATH, ...CANDIDATES].find((p) => p && existsSync(p));
  if (!path) {
    throw new Error(`Chromium was not found (looked at CHROMIUM_PATH and ${CANDIDATES.join(', ')}). Install it with scripts/install-deps (as root: apt-get install -y chromium), or set CHROMIUM_PATH.`);
  }
  return path;
}
