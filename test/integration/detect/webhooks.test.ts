import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Worker } from 'bullmq';
import pino from 'pino';
import { applyDetection } from '../../../src/alerts/detection';
import { WebhookNotifier, signPayload, startWebhookWorker } from '../../../src/alerts/webhooks';
import { createTestContext, type TestContext } from '../../support/context';

interface Received {
  path: string;
  body: string;
  signature: string;
  timestamp: string;
}

const SECRET = 'test-secret-0123456789';

const alert = (storyId: string) =>
  applyDetection(
    undefined,
    {
      type: 'fake',
      subject: { kind: 'story', storyId },
      title: 'Вероятный фейк',
      summary: '…',
      severity: 'high',
      score: 0.95,
      signals: [],
      evidence: { posts: [], sources: [] },
      postCount: 15,
      sourceCount: 15,
      firstPostAt: '2025-02-04T07:00:00.000Z',
      detector: { name: 'fake', version: 'test' },
    },
    new Date().toISOString(),
  ).doc;

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

describe('webhook delivery through BullMQ and a real HTTP receiver', () => {
  let context: TestContext;
  let server: Server;
  let base: string;
  const received: Received[] = [];
  let failuresLeft = 2;

  beforeAll(async () => {
    context = await createTestContext('webhooks');
    server = createServer((req, res) => {
      void readBody(req).then((body) => {
        const path = req.url ?? '';
        received.push({
          path,
          body,
          signature: String(req.headers['x-dozor-signature'] ?? ''),
          timestamp: String(req.headers['x-dozor-timestamp'] ?? ''),
        });
        if (path === '/flaky' && failuresLeft-- > 0) res.writeHead(503).end();
        else if (path === '/gone') res.writeHead(410).end();
        else res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    // fetch keeps connections alive; close them so the server can stop.
    server.closeAllConnections();
    await new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
    });
    await context.cleanup();
  });

  it('delivers new alerts signed, retries a receiver that is down, and gives up on one that refuses', async () => {
    const settings = {
      urls: [`${base}/ok`, `${base}/flaky`, `${base}/gone`],
      secret: SECRET,
      attempts: 5,
      backoffMs: 50,
    };
    const notifier = new WebhookNotifier(context.redis, context.config.queuePrefix, settings);
    const connection = context.redis.duplicate();
    const worker: Worker = startWebhookWorker({
      connection,
      prefix: context.config.queuePrefix,
      settings,
      logger: pino({ level: 'silent' }),
    });
    try {
      const doc = alert('s-hook');
      expect(await notifier.notify(doc, 'created')).toBe(3);
      // The same revision notified again (a retried batch) is not delivered twice.
      await notifier.notify(doc, 'created');
      expect(await notifier.notify(doc, 'updated')).toBe(0);
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline && received.filter((r) => r.path === '/flaky').length < 3) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(received.filter((r) => r.path === '/ok')).toHaveLength(1);
      expect(received.filter((r) => r.path === '/flaky')).toHaveLength(3);
      expect(received.filter((r) => r.path === '/gone')).toHaveLength(1);
      for (const r of received) {
        expect(r.signature).toBe(signPayload(r.body, Number(r.timestamp), SECRET));
        expect(JSON.parse(r.body)).toMatchObject({
          event: 'alert.created',
          alert: { id: doc.id, severity: 'high' },
        });
      }
    } finally {
      await worker.close();
      await notifier.close();
      await connection.quit();
    }
  });
});
