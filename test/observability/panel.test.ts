import { afterEach, describe, expect, it } from 'vitest';
import { issueTicket } from '../../src/http/event-ticket.js';
import { ApiHarness } from '../support/api-harness.js';
import { EventClient } from '../support/event-client.js';

const token = 'panel-token';
const basic = { authorization: `Basic ${Buffer.from(`admin:${token}`).toString('base64')}` };
let harness: ApiHarness;
afterEach(() => harness.stop());

const wsUrl = (query: string) => `${harness.api.url.replace(/^http/, 'ws')}/v1/events${query}`;

describe('the provider panel behind /admin', () => {
  it('serves its data and a short-lived events ticket to the admin only', async () => {
    harness = await new ApiHarness({ token }).start();
    expect((await harness.request('GET', '/admin/providers/data')).status).toBe(401);
    const data = await harness.request<{ report: { providers: { name: string }[] }; controls: boolean }>(
      'GET',
      '/admin/providers/data',
      undefined,
      basic,
    );
    expect(data.status).toBe(200);
    expect(data.body.report.providers.map((p) => p.name)).toEqual(['primary', 'secondary', 'tertiary']);
    // Read-only by default: no open/close buttons.
    expect(data.body.controls).toBe(false);

    const { body } = await harness.request<{ ticket: string }>(
      'GET',
      '/admin/events-ticket',
      undefined,
      basic,
    );
    const events = await EventClient.connect(wsUrl(`?ticket=${encodeURIComponent(body.ticket)}`));
    events.close();
    const [expires, signature] = body.ticket.split('.');
    const tampered = `${Number(expires) + 60_000}.${signature}`;
    await expect(EventClient.connect(wsUrl(`?ticket=${tampered}`))).rejects.toThrow('HTTP 401');
    const expired = issueTicket(token, Date.now() - 120_000);
    await expect(EventClient.connect(wsUrl(`?ticket=${expired}`))).rejects.toThrow('HTTP 401');
    await expect(
      EventClient.connect(wsUrl(`?ticket=${issueTicket('another-token', Date.now())}`)),
    ).rejects.toThrow('HTTP 401');
  });

  it('opens and closes providers by hand when the board allows changes, and refuses otherwise', async () => {
    harness = await new ApiHarness({
      token,
      config: (base) => ({ ...base, board: { readOnly: false } }),
    }).start();
    const open = await harness.request(
      'POST',
      '/admin/providers/primary/open',
      { reason: 'panel drill' },
      basic,
    );
    expect(open.status).toBe(200);
    expect(open.body).toMatchObject({ name: 'primary', state: 'open', manual: { reason: 'panel drill' } });
    const close = await harness.request('POST', '/admin/providers/primary/close', { reason: 'done' }, basic);
    expect(close.body).toMatchObject({ state: 'closed' });
    await harness.stop();

    harness = await new ApiHarness({
      token,
      config: (base) => ({ ...base, board: { readOnly: true } }),
    }).start();
    const refused = await harness.request('POST', '/admin/providers/primary/open', { reason: 'x' }, basic);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({
      error: { code: 'forbidden', message: expect.stringContaining('board.readOnly') },
    });
    const data = await harness.request<{ controls: boolean }>(
      'GET',
      '/admin/providers/data',
      undefined,
      basic,
    );
    expect(data.body.controls).toBe(false);
    const status = await harness.request<{ providers: { state: string }[] }>(
      'GET',
      '/v1/providers',
      undefined,
      {
        authorization: `Bearer ${token}`,
      },
    );
    expect(status.body.providers[0]?.state).toBe('closed');
  });
});
