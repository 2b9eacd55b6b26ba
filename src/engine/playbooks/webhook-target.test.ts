import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendWebhook } from './send-webhook.ts';
import { webhookTargetProblem } from './webhook-target.ts';

// issue 20 minor: webhooks could target 127.0.0.1 and link-local addresses and followed redirects.
describe('webhook targets', () => {
  it('refuses loopback, private, link-local and mapped addresses unless allow-listed', async () => {
    const denied = [
      'http://127.0.0.1:8080/x',
      'http://169.254.169.254/latest/meta-data/',
      'http://10.1.2.3/',
      'http://192.168.0.10/',
      'http://172.20.0.1/',
      'http://[::1]/',
      'http://[fe80::1]/',
      'http://[::ffff:127.0.0.1]/',
      'http://0.0.0.0/',
    ];
    for (const url of denied)
      expect(await webhookTargetProblem(url, []), url).toMatch(/private, loopback or link-local/);
    // a public name that resolves to a private address is refused too
    expect(await webhookTargetProblem('https://hooks.example.com/x', [], async () => ['10.0.0.5'])).toMatch(
      /resolves to 10.0.0.5/,
    );
    expect(
      await webhookTargetProblem('https://hooks.example.com/x', [], async () => ['93.184.215.14']),
    ).toBeNull();
    expect(await webhookTargetProblem('file:///etc/passwd', [])).toMatch(/http or https only/);
    // the allow-list: a host, an address, a CIDR
    expect(await webhookTargetProblem('http://127.0.0.1:8080/x', ['127.0.0.1'])).toBeNull();
    expect(await webhookTargetProblem('http://10.1.2.3/', ['10.0.0.0/8'])).toBeNull();
    expect(
      await webhookTargetProblem('http://hooks.internal/', ['hooks.internal'], async () => ['10.9.9.9']),
    ).toBeNull();
    expect(await webhookTargetProblem('http://10.1.2.3/', ['192.168.0.0/16'])).not.toBeNull();
  });

  let server: Server;
  let base = '';
  const hits: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      hits.push(req.url ?? '');
      req.resume();
      if (req.url === '/redirect') res.writeHead(302, { location: `${base}/landed` }).end();
      else res.writeHead(200).end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => {
    server?.close();
  });

  it('sendWebhook sends nothing to a denied target and never follows a redirect', async () => {
    const opts = { secret: 's', deliveryId: '1', now: new Date('2026-01-01T00:00:00Z') };
    const refused = await sendWebhook(`${base}/hook`, {}, { ...opts, allow: [] });
    expect(refused).toMatchObject({
      ok: false,
      statusCode: null,
      error: expect.stringMatching(/^refused: /),
    });
    expect(hits).toEqual([]);
    const redirected = await sendWebhook(`${base}/redirect`, {}, { ...opts, allow: ['127.0.0.1'] });
    expect(redirected).toMatchObject({
      ok: false,
      statusCode: 302,
      error: expect.stringMatching(/redirects are not followed/),
    });
    expect(hits).toEqual(['/redirect']);
    expect(await sendWebhook(`${base}/hook`, {}, { ...opts, allow: ['127.0.0.1'] })).toMatchObject({
      ok: true,
    });
  });
});
