import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiHarness } from '../support/api-harness.js';

/**
 * The pages under their Content-Security-Policy in a real browser (Debian's Chromium): nothing they
 * need is blocked, and a page of another site cannot frame them.
 */
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const token = 'page-policy-token';
let harness: ApiHarness;
let browser: Browser;

beforeAll(async () => {
  harness = await new ApiHarness({ token }).start();
  browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu'] });
});
afterAll(async () => {
  await browser?.close();
  await harness?.stop();
});

describe('pages under their Content-Security-Policy', () => {
  it('/docs, the panel and Bull Board run with no violation; the panel goes live', async () => {
    const context = await browser.newContext({ httpCredentials: { username: 'admin', password: token } });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const violations: string[] = [];
    await page.exposeFunction('reportViolation', (text: string) => violations.push(text));
    await page.addInitScript({
      content:
        "document.addEventListener('securitypolicyviolation', (event) => reportViolation(event.violatedDirective + ' ' + event.blockedURI));",
    });

    await page.goto(`${harness.api.url}/docs`);
    // Its inline script ran: it renders the routes from /openapi.json.
    await page.getByText('/v1/jobs/bulk').first().waitFor();
    await page.goto(`${harness.api.url}/admin/providers`);
    await page.getByText('● live').waitFor();
    await page.goto(`${harness.api.url}/admin/queues`);
    await page.getByText('Breakwater', { exact: false }).first().waitFor();
    // Fonts from Google may be unreachable here; only what the policy blocked counts.
    expect(violations).toEqual([]);
    await context.close();
  });

  it('refuses to be framed by another page', async () => {
    const context = await browser.newContext({ httpCredentials: { username: 'admin', password: token } });
    const page = await context.newPage();
    // Resolves once the page and its frame have loaded (or been refused).
    await page.setContent(`<iframe src="${harness.api.url}/docs"></iframe>`);
    const frame = page.frames().find((candidate) => candidate.url().includes('/docs'));
    const framed = frame
      ? await frame.evaluate<string>('document.body ? document.body.innerText : ""').catch(() => '')
      : '';
    expect(framed).not.toContain('openapi.json');
    await context.close();
  });
});
