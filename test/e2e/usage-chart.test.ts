import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestBackoffice } from '../support/test-backoffice.js';
import { startTestBackoffice } from '../support/test-backoffice.js';
import { ADMIN_PASSWORD } from '../support/test-server.js';
import { buildEvent } from '../support/factories.js';
import { openBrowser } from '../support/browser.js';

/** The capacity and cap lines' colour (UsageOverTimeChart.tsx). */
const CAP_COLOUR = '#7f8c8d';

/**
 * The usage over time chart of a fresh server: every event in the last hour, so on the default
 * 30-day range they all fall in one period. A line through one point draws nothing; the chart
 * must still show it.
 */
describe('the usage over time chart with all its data in one period', { timeout: 60_000 }, () => {
  let bo: TestBackoffice;
  let browser: Browser;
  let page: Page;

  /** Marks of a colour drawn inside a chart's plot (below its legend) with a visible size. */
  const marks = (testId: string, colour: string) =>
    page.evaluate<number>(`(() => {
      const svg = document.querySelector('[data-testid="${testId}"] svg');
      if (!svg) return -1;
      // The legend sits in the top 24 pixels.
      const plotTop = svg.getBoundingClientRect().top + 24;
      return [...svg.querySelectorAll('path, circle, rect')].filter((e) => {
        const box = e.getBoundingClientRect();
        const painted = e.getAttribute('stroke') === '${colour}' || e.getAttribute('fill') === '${colour}';
        return painted && box.top > plotTop && box.width > 0 && box.height > 0;
      }).length;
    })()`);

  beforeAll(async () => {
    bo = await startTestBackoffice();
    const ts = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
    await bo.warehouse.ingest([
      buildEvent({ ts: ts(30), inUseAfter: 1, capacity: 5 }),
      buildEvent({ ts: ts(20), inUseAfter: 2, capacity: 5 }),
      buildEvent({ ts: ts(25), feature: 'hours', model: 'metered', kind: 'consume', count: 30, inUseAfter: 30, capacity: 100 }),
    ]);
    await bo.adminToken();
    ({ browser, page } = await openBrowser());
    await page.goto(bo.url);
    await page.waitForURL('**/login');
    await page.locator('input[name="user"]').fill('admin');
    await page.locator('input[name="password"]').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByTestId('usage-chart').waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await bo?.stop();
  });

  it('draws the concurrent use and capacity of a single period as points', async () => {
    await expect.poll(() => page.getByTestId('figure-in-use').textContent()).toBe('2');
    await expect.poll(() => marks('usage-chart', CAP_COLOUR)).toBeGreaterThan(0);
    await page.screenshot({ path: 'test-output/e2e/usage-one-period.png' });
  });

  it('draws the metered cap of a single period as a point beside its bar', async () => {
    await page.getByRole('button', { name: 'Metered' }).click();
    await expect.poll(() => page.getByTestId('figure-consumed').textContent()).toBe('30');
    await expect.poll(() => marks('usage-chart', CAP_COLOUR)).toBeGreaterThan(0);
  });

  it('shows the figures of a usage request that failed as missing, not as loading, and says why once', async () => {
    // A proxy's answer: JSON, but not the API's error shape.
    await page.route('**/usage-denials/concurrent-usage*', (route) => route.fulfill({ status: 502, contentType: 'application/json', body: '{"message":"bad gateway"}' }));
    await page.getByRole('button', { name: 'Concurrent' }).click();
    await page.reload();
    await expect.poll(() => page.getByTestId('widget-usage').textContent(), { timeout: 20_000 }).toContain('Could not load this widget: The back office answered 502');
    expect(await page.getByTestId('figure-in-use').textContent()).toBe('–');
    expect(await page.getByTestId('figure-utilization').textContent()).toBe('–');
    await page.unroute('**/usage-denials/concurrent-usage*');
  });
});
