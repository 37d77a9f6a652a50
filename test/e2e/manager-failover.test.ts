import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FailoverPair } from '../support/failover-pair.js';
import { failoverPair, failoverState } from '../support/failover-pair.js';
import { openBrowser, SHOTS, untilSettled } from '../support/browser.js';
import { until } from '../support/until.js';

/** The failover pair's state in the License Server Manager, in a real Chromium, against a real main and backup. */
describe('the manager: a failover pair', { timeout: 60_000 }, () => {
  let pair: FailoverPair;
  let browser: Browser;
  let page: Page;

  const about = async (url: string) => {
    await page.goto(`${url}/about`);
    await untilSettled(page);
    await page.getByTestId('failover-state').waitFor();
  };

  beforeAll(async () => {
    pair = await failoverPair({ features: { licenseId: 'pair', features: [{ name: 'seat', version: '1.0', count: 3, expiry: 'permanent' }] } });
    ({ browser, page } = await openBrowser());
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await pair?.stop();
  });

  it('shows the main’s role in the top bar, and on About that it serves with its backup up to date', async () => {
    await about(pair.main!.url);
    expect(await page.getByTestId('failover-role').innerText()).toBe('Main · serving');
    expect(await page.getByTestId('failover-state').innerText()).toMatch(/^serving, since /);
    expect(await page.getByTestId('failover-peer').innerText()).toBe(`${pair.backup!.url}: reachable, up to date`);
    await page.screenshot({ path: join(SHOTS, 'manager-failover-main.png'), fullPage: true });
  });

  it('shows a backup standing by while its main serves, then serving in its place with the end of the failover period', async () => {
    await about(pair.backup!.url);
    expect(await page.getByTestId('failover-role').innerText()).toBe('Backup · standby');
    expect(await page.getByTestId('failover-state').innerText()).toMatch(/^standing by: its main serves/);

    await pair.main!.stop();
    await until(async () => (await failoverState(pair.backup!)).serving, 15_000);
    await about(pair.backup!.url);
    expect(await page.getByTestId('failover-role').innerText()).toBe('Backup · serving');
    expect(await page.getByTestId('failover-state').innerText()).toMatch(/^serving in place of its main/);
    await expect(page.getByTestId('failover-ends').innerText()).resolves.not.toBe('');
    await page.screenshot({ path: join(SHOTS, 'manager-failover-backup-serving.png'), fullPage: true });
  });

  it('shows the main serving again once it took its backup\'s changes back, and the backup standing by again', async () => {
    await pair.startMain();
    await about(pair.main!.url);
    expect(await page.getByTestId('failover-role').innerText()).toBe('Main · serving');
    await until(async () => (await failoverState(pair.backup!)).state === 'standby', 10_000);
    await about(pair.backup!.url);
    expect(await page.getByTestId('failover-role').innerText()).toBe('Backup · standby');
  });
});
