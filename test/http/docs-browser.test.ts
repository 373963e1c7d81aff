import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inlineCodeHtml } from '../../src/http/docs-page.js';
import { ApiHarness } from '../support/api-harness.js';

/** Debian's Chromium, driven headless by playwright-core, as in the panel's browser test. */
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let harness: ApiHarness;
let browser: Browser;

beforeAll(async () => {
  harness = await new ApiHarness().start();
  browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu'] });
});

afterAll(async () => {
  await browser?.close();
  await harness?.stop();
});

describe('/docs in a real browser', () => {
  it('sends the prefilled job twice: two new jobs, never a 409', async () => {
    const page = await browser.newPage();
    await page.goto(`${harness.api.url}/docs`);
    const section = page
      .locator('section', { hasText: 'POST /v1/jobs' })
      .filter({ hasNotText: 'bulk' })
      .first();
    const output = section.locator('pre.output');
    const ids: string[] = [];
    for (let send = 0; send < 2; send++) {
      await output.evaluate((node) => {
        node.textContent = '';
      });
      await section.getByRole('button', { name: 'Send' }).click();
      await expect.poll(() => output.textContent(), { timeout: 5_000 }).toMatch(/^\d{3} /);
      const text = (await output.textContent()) ?? '';
      expect(text).toMatch(/^202 /);
      ids.push((JSON.parse(text.slice(text.indexOf('\n') + 1)) as { id: string }).id);
    }
    expect(new Set(ids).size).toBe(2);
    expect(await harness.queue.count()).toBe(2);
  });

  it('renders `code` in descriptions as code, and links the provider panel', async () => {
    const page = await browser.newPage();
    await page.goto(`${harness.api.url}/docs`);
    await page.locator('#operations section').first().waitFor();
    const described = await page.locator('#about, #operations p, #operations li').allTextContents();
    expect(described.join('\n')).not.toContain('`');
    expect(await page.locator('#operations code, #about code').count()).toBeGreaterThan(0);
    await page.getByRole('link', { name: 'Provider panel' }).click();
    await page.waitForURL('**/admin/providers');
  });

  it('Bull Board links the provider panel in plain sight', async () => {
    const page = await browser.newPage();
    await page.goto(`${harness.api.url}/admin/queues`);
    const link = page.locator('#breakwater-provider-panel');
    expect(await link.isVisible()).toBe(true);
    await link.click();
    await page.waitForURL('**/admin/providers');
  });
});

describe('inlineCodeHtml', () => {
  it('escapes HTML and turns backtick spans into <code>', () => {
    expect(inlineCodeHtml('set `queue.name` <b> & "x"')).toBe(
      'set <code>queue.name</code> &lt;b&gt; &amp; &quot;x&quot;',
    );
  });
});
