import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { DEFAULT_WEB_DIR } from '../../src/http/web-routes.js';
import { chromiumPath } from '../../scripts/chromium-path.mjs';

/** Where the browser tests leave their screenshots and downloads. */
export const SHOTS = 'test-output/e2e';

/** Debian's Chromium with one page of a laptop's size, for the report app as built by `npm run build`. */
export async function openBrowser(options: BrowserContextOptions = {}): Promise<{ browser: Browser; page: Page }> {
  if (!existsSync(join(DEFAULT_WEB_DIR, 'index.html'))) throw new Error(`The report app is not built (${DEFAULT_WEB_DIR}): run npm run build first (scripts/test does).`);
  mkdirSync(SHOTS, { recursive: true });
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox'] });
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 }, ...options });
  page.setDefaultTimeout(10_000);
  return { browser, page };
}

/** Waits until every widget on the page has its data (or its error) on screen. */
export async function untilSettled(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle');
  // Twice, a moment apart: a page that just mounted may not have started its requests yet.
  for (let i = 0; i < 2; i++) {
    await page.waitForTimeout(150);
    // A locator, not waitForFunction: that evaluates a string, which the report's CSP forbids.
    await page.locator('[data-state="loading"], [role="progressbar"]').first().waitFor({ state: 'detached', timeout: 20_000 });
  }
}

/** The password a browser test sets at a first login with a one-time password. */
export const NEW_PASSWORD = 'a long enough new password';
