import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { ROLES, type Role } from '../../../src/auth/roles';
import { startApiHarness, type ApiHarness } from '../../support/api-harness';
import { alertDoc, postDoc, seedAlert, seedStory } from './seed';

interface Operation {
  'x-roles': Role[];
  responses: Record<string, { content?: Record<string, { schema?: object }> }>;
}
interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, object> };
}

const HOUR = 3_600_000;
const at = (hoursAgo: number): string => new Date(Date.now() - hoursAgo * HOUR).toISOString();

describe('API /api/v1 against real Redis and Elasticsearch', () => {
  let api: ApiHarness;
  let doc: OpenApi;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const validators = new Map<string, ValidateFunction>();

  /** Validates a real response body against the schema the OpenAPI document gives for it. */
  function expectDocumented(template: string, method: string, status: number, body: unknown): void {
    const schema =
      doc.paths[template]?.[method]?.responses[String(status)]?.content?.['application/json']?.schema;
    expect(schema).toBeDefined();
    const id = `${method} ${template} ${status}`;
    let validate = validators.get(id);
    if (validate === undefined) {
      validate = ajv.compile({ ...schema, components: doc.components });
      validators.set(id, validate);
    }
    if (!validate(body))
      throw new Error(`${id} does not match the document: ${ajv.errorsText(validate.errors)}`);
  }

  const story = 's-water-kovrov';
  const copies = [
    postDoc('1', 'СРОЧНО! В Коврове отравили воду, перешлите всем!', at(30)),
    postDoc('2', 'Срочно!!! В Коврове отравили воду. Перешлите всем', at(29), { channel: '@kovrov_online' }),
    postDoc('3', 'В Коврове отравили воду — перешлите всем!', at(28), { channel: '@anon_33' }),
  ];
  const suggestion = postDoc('4', 'Говорят, воду в Коврове отравили', at(27), { channel: '@gossip' });
  const xss = postDoc(
    '5',
    '<script>alert(1)</script> "><img src=x onerror=alert(2)> Камешковском районе',
    at(2),
    {
      places: ['Камешковский район'],
      topics: ['ЖКХ'],
    },
  );
  const fake = alertDoc(
    'fake',
    { kind: 'story', storyId: story },
    { title: 'Отравление воды в Коврове', firstPostAt: copies[0]?.publishedAt ?? at(30) },
  );
  const emergency = alertDoc(
    'emergency',
    { kind: 'place-category', placeId: 'vladimirskaya-oblast/kameshkovskiy-rayon', category: 'water' },
    {
      title: 'Нет воды в Камешковском районе',
      firstPostAt: at(3),
      place: 'Камешковский район',
      placeId: 'vladimirskaya-oblast/kameshkovskiy-rayon',
      region: 'Владимирская область',
      category: 'water',
      magnitude: { people: 12000 },
    },
  );

  beforeAll(async () => {
    api = await startApiHarness('api', { CORS_ORIGINS: 'https://cur.example' });
    const { context } = api;
    await context.posts.bulkUpsert(
      [...copies, suggestion, xss].map((post) => ({ ...post, storyId: story, topics: ['ЖКХ'] })),
      true,
    );
    await seedStory(context, story, copies, [suggestion]);
    await seedAlert(context, fake);
    await seedAlert(context, emergency);
    doc = (await (await api.call('GET', '/openapi.json', 'analyst')).json()) as OpenApi;
  });
  afterAll(async () => {
    await api.close();
  });

  it('documents every route with the roles it allows, and every route refuses a missing or wrong-role key', async () => {
    const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({ path, method, roles: op['x-roles'] })),
    );
    expect(operations.length).toBeGreaterThan(35);
    for (const { path, method, roles } of operations) {
      expect(roles.length).toBeGreaterThan(0);
      const url = path.replace(/\{\w+\}/g, 'x1');
      const body = method === 'get' || method === 'delete' ? undefined : {};
      const anonymous = await api.call(method.toUpperCase(), url, undefined, body);
      expect([`${method} ${path}`, anonymous.status]).toEqual([`${method} ${path}`, 401]);
      const wrong = ROLES.find((role) => !roles.includes(role));
      if (wrong === undefined) continue;
      const refused = await api.call(method.toUpperCase(), url, wrong, body);
      expect([`${method} ${path} as ${wrong}`, refused.status]).toEqual([
        `${method} ${path} as ${wrong}`,
        403,
      ]);
      expectDocumented(path, method, 403, await refused.json());
    }
  });

  it('answers every read route with a body that matches the OpenAPI document', async () => {
    const reads: [string, string, Role][] = [
      ['/posts', '/posts?q=отравили&limit=2', 'analyst'],
      ['/posts/{id}', `/posts/${xss.id}`, 'analyst'],
      ['/stories', '/stories', 'analyst'],
      ['/stories/{id}', `/stories/${story}`, 'analyst'],
      ['/alerts', '/alerts?type=fake&status=new,in_review', 'analyst'],
      ['/alerts/{id}', `/alerts/${fake.id}`, 'analyst'],
      ['/alerts/{id}/audit', `/alerts/${fake.id}/audit`, 'leadership'],
      ['/emergencies', '/emergencies', 'duty_officer'],
      ['/trends', '/trends', 'leadership'],
      ['/digests', '/digests?period=week', 'leadership'],
      ['/sources', '/sources', 'analyst'],
      ['/known-fakes', '/known-fakes', 'analyst'],
      ['/appeals', '/appeals?overdue=true', 'analyst'],
      ['/appeals/response-times', '/appeals/response-times', 'leadership'],
      ['/ledger', '/ledger', 'admin'],
      ['/rejects', '/rejects', 'admin'],
      ['/queues', '/queues', 'admin'],
      ['/dlq', '/dlq', 'admin'],
      ['/keys', '/keys', 'admin'],
      ['/me', '/me', 'duty_officer'],
      ['/audit', '/audit', 'admin'],
    ];
    for (const [template, url, role] of reads) {
      const response = await api.call('GET', url, role);
      expect([url, response.status]).toEqual([url, 200]);
      expectDocumented(template, 'get', 200, await response.json());
    }
    const invalid = await api.call('GET', '/posts?limit=1000', 'analyst');
    expect(invalid.status).toBe(400);
    expectDocumented('/posts', 'get', 400, await invalid.json());
  });

  it('finds posts by any case form of a word, with filters, and pages them with a cursor', async () => {
    const page = async (query: string) =>
      (await (await api.call('GET', `/posts?${query}`, 'analyst')).json()) as {
        items: { id: string; text: string }[];
        nextCursor: string | null;
        total: number;
      };
    const byCase = await page(`q=${encodeURIComponent('Камешковский район')}`);
    expect(byCase.items.map((p) => p.id)).toEqual([xss.id]);
    expect(
      (await page(`q=${encodeURIComponent('отравить вода')}&channel=@anon_33`)).items.map((p) => p.id),
    ).toEqual([copies[2]?.id]);
    const seen: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const result = await page(`sort=oldest&limit=2${cursor === '' ? '' : `&cursor=${cursor}`}`);
      seen.push(...result.items.map((p) => p.id));
      cursor = result.nextCursor;
    }
    expect(seen).toEqual([...copies, suggestion, xss].map((p) => p.id));
    const foreign = await api.call('GET', `/posts?sort=newest&cursor=${'x'.repeat(10)}`, 'analyst');
    expect(foreign.status).toBe(400);
  });

  it('finds stories by any form of their words, as posts are found', async () => {
    const found = async (q: string) =>
      (
        (await (await api.call('GET', `/stories?q=${encodeURIComponent(q)}`, 'analyst')).json()) as {
          items: { id: string }[];
        }
      ).items.map((item) => item.id);
    expect(await found('Ковров')).toEqual([story]);
    expect(await found('отравить воду')).toEqual([story]);
    expect(await found('Коврове')).toEqual([story]);
    expect(await found('Муром')).toEqual([]);
  });

  it('shows a story with patient zero and timeline, and an analyst confirms a suggested member', async () => {
    const detail = (await (await api.call('GET', `/stories/${story}`, 'duty_officer')).json()) as {
      patientZero: { postId: string };
      suggested: { postId: string }[];
      timeline: { per1h: { count: number }[] };
    };
    expect(detail.patientZero.postId).toBe(copies[0]?.id);
    expect(detail.suggested.map((m) => m.postId)).toEqual([suggestion.id]);
    expect(detail.timeline.per1h.reduce((sum, b) => sum + b.count, 0)).toBe(3);
    const confirm = await api.call('POST', `/stories/${story}/members/${suggestion.id}/confirm`, 'analyst', {
      note: 'та же история',
    });
    expect(confirm.status).toBe(200);
    const after = (await confirm.json()) as {
      suggested: unknown[];
      members: { postId: string; state: string }[];
    };
    expectDocumented('/stories/{id}/members/{postId}/confirm', 'post', 200, after);
    expect(after.suggested).toEqual([]);
    expect(after.members.find((m) => m.postId === suggestion.id)?.state).toBe('confirmed');
  });

  it('reviews an alert through its lifecycle with optimistic concurrency, and audits every change', async () => {
    const read = async () =>
      (await (await api.call('GET', `/alerts/${fake.id}`, 'analyst')).json()) as {
        version: string;
        status: string;
      };
    const first = await read();
    const review = await api.call('POST', `/alerts/${fake.id}/status`, 'analyst', {
      to: 'in_review',
      version: first.version,
    });
    expect(review.status).toBe(200);
    const stale = await api.call('POST', `/alerts/${fake.id}/status`, 'analyst', {
      to: 'confirmed',
      version: first.version,
    });
    expect(stale.status).toBe(409);
    expectDocumented('/alerts/{id}/status', 'post', 409, await stale.json());
    const skip = await api.call('POST', `/alerts/${emergency.id}/status`, 'duty_officer', {
      to: 'resolved',
    });
    expect(skip.status).toBe(422);
    const notTheirs = await api.call('POST', `/alerts/${fake.id}/status`, 'duty_officer', {
      to: 'dismissed',
    });
    expect(notTheirs.status).toBe(403);
    const confirmed = await api.call('POST', `/alerts/${fake.id}/status`, 'analyst', {
      to: 'confirmed',
      version: (await read()).version,
      note: 'опровержение водоканала',
    });
    expect(confirmed.status).toBe(200);
    expectDocumented('/alerts/{id}/status', 'post', 200, await confirmed.json());
    const comment = await api.call('POST', `/alerts/${fake.id}/comments`, 'analyst', { text: 'закрыто' });
    expect(comment.status).toBe(201);
    const trail = (await (await api.call('GET', `/alerts/${fake.id}/audit`, 'leadership')).json()) as {
      items: { action: string; to?: string; note?: string }[];
    };
    expect(trail.items.map((e) => [e.action, e.to])).toEqual(
      expect.arrayContaining([
        ['status', 'in_review'],
        ['status', 'confirmed'],
        ['commented', expect.any(String)],
      ]),
    );
    const log = (await (await api.call('GET', '/audit?limit=100', 'admin')).json()) as {
      items: { action: string; status: number; role: string }[];
    };
    const actions = log.items.map((e) => `${e.role} ${e.action} ${e.status}`);
    expect(actions).toEqual(
      expect.arrayContaining([
        'analyst transitionAlert 200',
        'analyst commentAlert 201',
        'analyst confirmStoryMember 200',
      ]),
    );
    // Refused changes are not state changes: they are not in the audit log.
    expect(actions.filter((a) => a.includes('409') || a.includes('422') || a.includes('403'))).toEqual([]);
  });

  it('serves the emergency board and the briefing in every format', async () => {
    const board = (await (await api.call('GET', '/emergencies', 'duty_officer')).json()) as {
      alerts: { id: string }[];
      places: { place: string; series: { count: number }[] }[];
    };
    expect(board.alerts.map((a) => a.id)).toEqual([emergency.id]);
    expect(board.places[0]?.place).toBe('Камешковский район');
    expect(board.places[0]?.series.reduce((sum, b) => sum + b.count, 0)).toBe(1);
    const json = (await (await api.call('GET', '/digests?period=week', 'leadership')).json()) as {
      volume: { total: number };
    };
    expect(json.volume.total).toBe(4);
    const md = await api.call('GET', '/digests?period=week&format=md', 'leadership');
    expect(md.headers.get('content-type')).toMatch(/text\/markdown/);
    expect(await md.text()).toMatch(/^# Недельная сводка/);
    const html = await (await api.call('GET', '/digests?period=week&format=html', 'leadership')).text();
    expect(html).not.toMatch(/<script/i);
    const pdf = await api.call('GET', '/digests?period=day&format=pdf', 'leadership');
    expect(pdf.status).toBe(200);
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
  });

  it('answers CORS preflights for allowed origins only, and sends a strict CSP with the dashboard', async () => {
    const preflight = (origin: string) =>
      fetch(`${api.origin}/api/v1/alerts`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'authorization',
        },
      });
    expect((await preflight('https://cur.example')).headers.get('access-control-allow-origin')).toBe(
      'https://cur.example',
    );
    expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
    const page = await fetch(`${api.origin}/`);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
  });
});

describe('rate limit per key', () => {
  it('answers 429 in the common error shape once a key exceeds its budget, while other keys go on', async () => {
    const limited = await startApiHarness('api-rl', { API_RATE_LIMIT: '3' });
    try {
      const me = (role: Role) => limited.call('GET', '/me', role);
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await me('analyst')).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const refused = await me('analyst');
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
      expect((await me('duty_officer')).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
