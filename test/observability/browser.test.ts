import { mkdirSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiHarness } from '../support/api-harness.js';

/**
 * Debian's Chromium (`apt-get install chromium`), driven headless by playwright-core; never a
 * downloaded browser. Screenshots land in test-artifacts/.
 */
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const artifacts = 'test-artifacts';
const token = 'panel-test-token';

let harness: ApiHarness;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  harness = await new ApiHarness({ worker: true, token }).start();
  browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu'] });
});

afterAll(async () => {
  await browser?.close();
  await harness?.stop();
});

const auth = { authorization: `Bearer ${token}` };

describe('Bull Board and the provider panel in a real browser', () => {
  it('show an open breaker and a deferred job, and the panel follows breaker changes live', async () => {
    for (const provider of ['primary', 'secondary']) {
      const opened = await harness.request(
        'POST',
        `/v1/providers/${provider}/open`,
        { reason: 'browser drill', durationMs: 300_000 },
        auth,
      );
      expect(opened.status).toBe(200);
    }
    const job = await harness.request<{ id: string }>('POST', '/v1/jobs', { prompt: 'wait for me' }, auth);
    await expect
      .poll(
        async () => (await harness.request('GET', `/v1/jobs/${job.body.id}`, undefined, auth)).body.state,
        {
          timeout: 10_000,
        },
      )
      .toBe('deferred');

    const context = await browser.newContext({
      httpCredentials: { username: 'admin', password: token },
      viewport: { width: 1280, height: 800 },
    });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);

    // The provider panel: both breakers open with their reason, one deferred job each.
    const pageOpenedAt = Date.now();
    await page.goto(`${harness.api.url}/admin/providers`);
    const primary = page.locator('#provider-primary');
    await primary.locator('.state-open').waitFor();
    expect(await primary.getAttribute('data-state')).toBe('open');
    expect(await primary.textContent()).toContain('opened by api: browser drill');
    await primary.locator('.deferred', { hasText: /^1$/ }).waitFor();
    expect(await page.locator('#provider-tertiary').getAttribute('data-state')).toBe('closed');
    await page.locator('#live', { hasText: 'live' }).waitFor();
    expect(await page.locator('a[href="/admin/queues"]').count()).toBe(1);
    await page.screenshot({ path: `${artifacts}/provider-panel-open.png`, fullPage: true });

    // A breaker opened elsewhere reaches the page over /v1/events: before the page's first 5 s
    // refresh (its timer starts when the page loads).
    await harness.request('POST', '/v1/providers/tertiary/open', { reason: 'live check' }, auth);
    await page.locator('#provider-tertiary .state-open').waitFor({ timeout: 4_000 });
    expect(Date.now() - pageOpenedAt).toBeLessThan(5_000);

    // Bull Board: the deferred job in the queue's delayed list, with its timeline in the log.
    await page.goto(
      `${harness.api.url}/admin/queues/queue/${encodeURIComponent(`{${harness.queueName}}`)}?status=delayed`,
    );
    await page.getByText(`#${job.body.id}`).first().waitFor({ timeout: 15_000 });
    await page.getByText('Logs', { exact: true }).first().click();
    await page.getByText('"event":"deferral"').first().waitFor();
    // The same line reads as a sentence first, for people.
    await page
      .getByText(/deferred until \d{4}-/)
      .first()
      .waitFor();
    await page.screenshot({ path: `${artifacts}/bull-board-deferred-job.png`, fullPage: true });
    // …and its menu links back to the panel.
    await page.locator('header button').last().click();
    await page.getByRole('menuitem', { name: 'Providers' }).click();
    await page.waitForURL('**/admin/providers');
    await page.locator('#provider-primary .state-open').waitFor();
    await context.close();
  });
});
