import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { Role } from '../../src/auth/roles';
import { PROJECT_ROOT } from '../../src/config/config';
import { startApi } from '../../src/main/api';
import { createPipeline, type Pipeline } from '../../src/main/pipeline';
import { CHROMIUM_FLAGS } from '../../src/provision/chromium';
import { KeysRepository } from '../../src/store/keys.repository';
import { createTestContext, type TestContext } from '../support/context';
import { alertDoc, postDoc, seedAlert, seedStory } from '../integration/api/seed';

const ARTIFACTS = path.join(PROJECT_ROOT, 'artifacts', 'e2e');
const HOUR = 3_600_000;
const at = (hoursAgo: number): string => new Date(Date.now() - hoursAgo * HOUR).toISOString();
const XSS = '<script>window.__xss=1</script> "><img src=x onerror="window.__xss=2"> Отравили воду в Коврове';

describe('dashboard in headless Chromium', () => {
  let context: TestContext;
  let pipeline: Pipeline;
  let server: Server;
  let base: string;
  let browser: BrowserContext;
  let profile: string;
  const keys: Partial<Record<Role, string>> = {};
  const story = 's-e2e-water';
  const copies = [
    postDoc('1', XSS, at(30), { channel: '@anon_33' }),
    postDoc('2', 'СРОЧНО! Отравили воду в Коврове, перешлите всем!', at(29), { channel: '@kovrov_online' }),
    postDoc('3', 'Отравили воду в Коврове — перешлите всем', at(27), { channel: '@gossip' }),
  ];
  const fake = alertDoc(
    'fake',
    { kind: 'story', storyId: story },
    {
      title: 'Отравление воды в Коврове',
      firstPostAt: at(30),
      evidence: {
        firstPost: {
          postId: copies[0]?.id ?? '',
          publishedAt: at(30),
          platform: 'telegram',
          channel: '@anon_33',
          sourceKind: 'anonymous',
          excerpt: XSS,
        },
        posts: [],
        sources: [{ platform: 'telegram', channel: '@anon_33', kind: 'anonymous', count: 1 }],
      },
    },
  );

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    context = await createTestContext('e2e');
    pipeline = createPipeline(context);
    server = await startApi(context, pipeline, 0);
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const repo = new KeysRepository(context.redis, context.config.queuePrefix);
    for (const role of ['analyst', 'duty_officer', 'leadership'] as const) {
      keys[role] = (await repo.create(`e2e ${role}`, role)).token;
    }
    await context.posts.bulkUpsert(
      copies.map((post) => ({ ...post, storyId: story, topics: ['ЖКХ'] })),
      true,
    );
    await seedStory(context, story, copies);
    await seedAlert(context, fake);
    profile = mkdtempSync(path.join(tmpdir(), 'dozor-e2e-'));
    // A fresh profile per run; each person gets a tab of their own (the key lives in sessionStorage,
    // which is per tab).
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: context.config.chromiumPath,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: 1280, height: 900 },
    });
  });
  afterAll(async () => {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
    await new Promise((resolve) => server.close(resolve));
    await pipeline.close();
    await context.cleanup();
  });

  /** A new tab per person, logged in with that person's key through the login form. */
  async function login(role: Role, hash = ''): Promise<{ page: Page; session: Page; errors: string[] }> {
    const page = await browser.newPage();
    const session = page;
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('dialog', (dialog) => {
      errors.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    await page.goto(`${base}/${hash}`);
    await page.fill('#key', keys[role] ?? '');
    await page.click('[data-testid=login]');
    await page.waitForSelector('[data-testid=logout]');
    return { page, session, errors };
  }

  it('an analyst opens the fake alert from the queue, sees its evidence and confirms it with a comment', async () => {
    const { page, session, errors } = await login('analyst');
    await page.waitForSelector('[data-testid=alert-queue]');
    await page.click(`[data-testid=alert-link]:has-text("${fake.title}")`);
    await page.waitForSelector('[data-testid=patient-zero]');
    await page.waitForSelector('[data-testid=story-timeline] canvas');
    expect(await page.locator('[data-testid=story-copies] tbody tr').count()).toBe(3);
    await page.fill('#note', 'Водоканал опроверг, вода в норме');
    await page.click('[data-testid=action-confirmed]');
    await page.waitForSelector('[data-testid=alert-status]:has-text("подтверждён")');
    await page.screenshot({ path: path.join(ARTIFACTS, 'analyst-alert.png'), fullPage: true });
    const audit = await page.locator('[data-testid=audit]').innerText();
    expect(audit).toContain('Водоканал опроверг');
    expect(errors).toEqual([]);
    await session.close();
  });

  it('renders hostile post text as inert text: no script runs, no element is injected', async () => {
    const { page, session, errors } = await login('analyst', `#/alert/${fake.id}`);
    await page.waitForSelector('[data-testid=patient-zero]');
    await page.goto(`${base}/#/search?q=${encodeURIComponent('отравили воду')}`);
    await page.waitForSelector('[data-testid=search-results] li');
    const literal = page.locator('.post-text', { hasText: '<script>window.__xss=1</script>' });
    expect(await literal.count()).toBeGreaterThan(0);
    expect(await page.locator('main img').count()).toBe(0);
    expect(await page.locator('main script').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    await page.screenshot({ path: path.join(ARTIFACTS, 'xss-inert.png'), fullPage: true });
    expect(errors).toEqual([]);
    await session.close();
  });

  it('a duty officer sees a new emergency appear on the board without reloading the page', async () => {
    const { page, session, errors } = await login('duty_officer', '#/board?poll=1000');
    await page.waitForSelector('[data-testid=board-updated]:has-text("Обновлено")');
    await page.evaluate(() => {
      (window as unknown as { __sameDocument?: boolean }).__sameDocument = true;
    });
    const emergency = alertDoc(
      'emergency',
      { kind: 'place-category', placeId: 'vladimirskaya-oblast/kameshkovskiy-rayon', category: 'water' },
      {
        title: 'Нет воды в Камешковском районе',
        summary: 'Без воды 12 тыс. жителей третий день',
        firstPostAt: at(3),
        place: 'Камешковский район',
        placeId: 'vladimirskaya-oblast/kameshkovskiy-rayon',
        category: 'water',
        magnitude: { people: 12000, days: 3 },
      },
    );
    await seedAlert(context, emergency);
    await page.waitForSelector(`[data-testid=board-alert][data-id="${emergency.id}"]`, { timeout: 30_000 });
    expect(
      await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument),
    ).toBe(true);
    await page.waitForSelector('[data-testid=board-places] td:has-text("Камешковский район")');
    await page.screenshot({ path: path.join(ARTIFACTS, 'duty-board.png'), fullPage: true });
    await page.click(`[data-id="${emergency.id}"] [data-testid=board-acknowledged]`);
    await page.waitForSelector(`[data-id="${emergency.id}"] [data-testid=board-resolved]`, {
      timeout: 30_000,
    });
    expect(errors).toEqual([]);
    await session.close();
  });

  it('leadership opens the weekly briefing with its figures and charts', async () => {
    const { page, session, errors } = await login('leadership');
    await page.waitForSelector('[data-testid=briefing-title]:has-text("Недельная сводка")');
    await page.waitForSelector('[data-testid=volume-chart] canvas');
    expect(await page.locator('[data-testid=volume]').innerText()).toMatch(/^3/);
    expect(await page.locator('[data-testid=themes]').innerText()).toContain('ЖКХ');
    await page.screenshot({ path: path.join(ARTIFACTS, 'leadership-briefing.png'), fullPage: true });
    expect(errors).toEqual([]);
    await session.close();
  });

  it('renders the API reference from the OpenAPI document under the strict CSP', async () => {
    const { page, session, errors } = await login('analyst');
    await page.goto(`${base}/docs`);
    await page.waitForSelector('.swagger-ui .info .title:has-text("Dozor API")');
    await page.waitForSelector('.opblock-tag:has-text("alerts")');
    await page.screenshot({ path: path.join(ARTIFACTS, 'api-reference.png') });
    expect(errors).toEqual([]);
    await session.close();
  });
});
