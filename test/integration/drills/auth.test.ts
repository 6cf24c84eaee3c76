import { spawn, type ChildProcess } from 'node:child_process';
import { ROLES, type Role } from '../../../src/auth/roles';
import { AuditRepository } from '../../../src/store/audit.repository';
import { KeysRepository } from '../../../src/store/keys.repository';
import { CLI, runCli } from '../../support/cli';
import { startApiHarness, type ApiHarness } from '../../support/api-harness';

/**
 * Drill 7 (issue 8): keys and roles. A revoked key is refused on its very next request by every API
 * process; no role can give itself more rights; the audit log only grows. (test/integration/api checks
 * one wrong role per route; this checks the whole matrix, allowed roles included.)
 */

interface Operation {
  'x-roles': Role[];
}
interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
}

interface AuditPage {
  items: { id: string; keyId: string; action: string; status: number; path: string }[];
  total: number;
}

/** `dozor serve --port 0` in its own process, on the same prefixes; resolves with its origin. */
function serveInAnotherProcess(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; origin: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0'], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    const timer = setTimeout(() => {
      reject(new Error(`dozor serve did not start: ${stderr}`));
    }, 60_000);
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /Dozor API: (http:\/\/[\d.]+:\d+)\//.exec(stderr);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve({ child, origin: match[1] });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`dozor serve exited ${code ?? '?'}: ${stderr}`));
    });
  });
}

describe('drill: keys, roles and the audit log', () => {
  let api: ApiHarness;
  let other: { child: ChildProcess; origin: string };
  let doc: OpenApi;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    api = await startApiHarness('auth', { API_RATE_LIMIT: '100000' });
    env = {
      ...process.env,
      DOZOR_INDEX_PREFIX: api.context.config.indexPrefix,
      DOZOR_QUEUE_PREFIX: api.context.config.queuePrefix,
      DOZOR_MODELS: 'off',
      API_RATE_LIMIT: '100000',
      LOG_LEVEL: 'error',
    };
    other = await serveInAnotherProcess(env);
    doc = (await (await api.call('GET', '/openapi.json', 'analyst')).json()) as OpenApi;
  }, 120_000);
  afterAll(async () => {
    other.child.removeAllListeners('exit');
    other.child.kill('SIGTERM');
    await new Promise((resolve) => other.child.once('exit', resolve));
    await api.close();
  });

  const me = (origin: string, token: string) =>
    fetch(`${origin}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);

  it('refuses a revoked key on its next request, in this API process and in another one', async () => {
    const created = await api.call('POST', '/keys', 'admin', { name: 'temporary analyst', role: 'analyst' });
    expect(created.status).toBe(201);
    const { token, key } = (await created.json()) as { token: string; key: { id: string } };
    expect([await me(api.origin, token), await me(other.origin, token)]).toEqual([200, 200]);
    // Revoked through the other process; no pause before the next requests.
    const revoked = await fetch(`${other.origin}/api/v1/keys/${key.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${api.keys.admin}` },
    });
    expect(revoked.status).toBe(200);
    expect([await me(api.origin, token), await me(other.origin, token)]).toEqual([401, 401]);
    // And it stays revoked: revoking again keeps the first revocation time; nothing re-enables it.
    const listed = (await (await api.call('GET', '/keys', 'admin')).json()) as {
      items: { id: string; revokedAt?: string }[];
    };
    const revokedAt = listed.items.find((item) => item.id === key.id)?.revokedAt;
    expect(revokedAt).toEqual(expect.any(String));
    expect((await api.call('DELETE', `/keys/${key.id}`, 'admin')).status).toBe(200);
    const again = (await (await api.call('GET', '/keys', 'admin')).json()) as typeof listed;
    expect(again.items.find((item) => item.id === key.id)?.revokedAt).toBe(revokedAt);

    // Revoked from the command line (a third process): both servers refuse the next request.
    const repo = new KeysRepository(api.context.redis, api.context.config.queuePrefix);
    const cliKey = await repo.create('revoked by cli', 'ingest');
    expect(await me(other.origin, cliKey.token)).toBe(200);
    const cli = await runCli(['keys', 'revoke', cliKey.info.id], env);
    expect(cli.code).toBe(0);
    expect([await me(api.origin, cliKey.token), await me(other.origin, cliKey.token)]).toEqual([401, 401]);

    // A revoked admin key can do nothing, not even restore itself.
    const admin = await repo.create('doomed admin', 'admin');
    await repo.revoke(admin.info.id);
    const doomed = { token: admin.token };
    expect((await api.call('POST', '/keys', doomed, { name: 'comeback', role: 'admin' })).status).toBe(401);
    expect((await api.call('DELETE', `/keys/${api.keyIds.admin}`, doomed)).status).toBe(401);
  });

  it('lets every role use exactly the routes whose x-roles list it', async () => {
    const wrong: string[] = [];
    for (const [route, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const url = route.replace(/\{\w+\}/g, 'x1');
        const body = method === 'get' || method === 'delete' ? undefined : {};
        for (const role of ROLES) {
          const { status } = await api.call(method.toUpperCase(), url, role, body);
          const allowed = op['x-roles'].includes(role);
          // Allowed: past the role check (400/404/422 for the dummy input are fine); refused: exactly 403.
          if (allowed ? status === 401 || status === 403 : status !== 403)
            wrong.push(`${method} ${route} as ${role}: ${status} (x-roles ${op['x-roles'].join(',')})`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('gives no role a way to create keys, change a role or outrank itself', async () => {
    const keyRoutes = Object.entries(doc.paths)
      .filter(([route]) => route === '/me' || route.startsWith('/keys'))
      .flatMap(([route, item]) => Object.keys(item).map((method) => `${method} ${route}`))
      .sort();
    // Nothing edits a key: a role is fixed when the key is made.
    expect(keyRoutes).toEqual(['delete /keys/{id}', 'get /keys', 'get /me', 'post /keys']);
    const before = (await (await api.call('GET', '/keys', 'admin')).json()) as { items: unknown[] };
    for (const role of ROLES.filter((r) => r !== 'admin')) {
      for (const wanted of ROLES) {
        const create = await api.call('POST', '/keys', role, {
          name: `${role} wants ${wanted}`,
          role: wanted,
        });
        expect([role, wanted, create.status]).toEqual([role, wanted, 403]);
      }
      expect((await api.call('DELETE', `/keys/${api.keyIds.admin}`, role)).status).toBe(403);
      for (const method of ['PUT', 'PATCH']) {
        for (const target of ['/me', `/keys/${api.keyIds[role]}`]) {
          const change = await api.call(method, target, role, { role: 'admin' });
          expect([role, method, target, change.status]).toEqual([role, method, target, 405]);
        }
      }
      const self = (await (await api.call('GET', '/me', role)).json()) as { role: Role };
      expect(self.role).toBe(role);
    }
    const after = (await (await api.call('GET', '/keys', 'admin')).json()) as { items: unknown[] };
    expect(after.items).toEqual(before.items);
    expect(await me(api.origin, api.keys.admin)).toBe(200);

    // Even an admin cannot overwrite an existing key or invent a role.
    for (const body of [
      { name: 'clone', role: 'analyst', id: api.keyIds.admin },
      { name: 'clone', role: 'analyst', hash: '0'.repeat(64) },
      { name: 'root', role: 'superadmin' },
      { name: 'root', role: 'ADMIN' },
      { name: 'root', role: ['admin', 'analyst'] },
    ]) {
      expect([body, (await api.call('POST', '/keys', 'admin', body)).status]).toEqual([body, 400]);
    }
    // Tokens are checked whole: a real id with another secret, or a key with extra text, is refused.
    const [prefix, id] = api.keys.analyst.split('_');
    for (const token of [
      `${prefix ?? ''}_${id ?? ''}_${'A'.repeat(43)}`,
      `${api.keys.analyst}x`,
      ` ${api.keys.analyst}`.slice(0, -1),
      api.keys.analyst.toUpperCase(),
    ]) {
      expect([token, await me(api.origin, token)]).toEqual([token, 401]);
    }
    // Two different keys in one request are refused, whichever header carries the stronger one.
    const both = await fetch(`${api.origin}/api/v1/keys`, {
      headers: { authorization: `Bearer ${api.keys.analyst}`, 'x-api-key': api.keys.admin },
    });
    expect(both.status).toBe(401);
    const same = await fetch(`${api.origin}/api/v1/keys`, {
      headers: { authorization: `Bearer ${api.keys.admin}`, 'x-api-key': api.keys.admin },
    });
    expect(same.status).toBe(200);
  });

  it('only ever appends to the audit log: no route and no key can change or delete an entry', async () => {
    // Only a read route exists for it, for admins.
    const auditRoutes = Object.entries(doc.paths).filter(([route]) => route.startsWith('/audit'));
    expect(auditRoutes.map(([route, item]) => [route, Object.keys(item)])).toEqual([['/audit', ['get']]]);
    expect(Object.getOwnPropertyNames(AuditRepository.prototype).sort()).toEqual([
      'constructor',
      'key',
      'page',
      'record',
    ]);

    // Some state changes, to have entries to attack.
    const fake = (await (
      await api.call('POST', '/known-fakes', 'analyst', {
        kind: 'fake',
        title: 'Вода',
        text: 'Отравили воду',
      })
    ).json()) as { id: string };
    expect((await api.call('DELETE', `/known-fakes/${fake.id}`, 'analyst')).status).toBe(200);
    const before = (await (await api.call('GET', '/audit?limit=500', 'admin')).json()) as AuditPage;
    expect(before.items.slice(0, 2).map((entry) => [entry.action, entry.keyId])).toEqual([
      ['deleteKnownFake', api.keyIds.analyst],
      ['addKnownFake', api.keyIds.analyst],
    ]);
    const victim = before.items[0]?.id ?? '';

    const attempts: string[] = [];
    for (const role of ROLES) {
      for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
        for (const target of ['/audit', `/audit/${victim}`, `/audit?id=${victim}`]) {
          const { status } = await api.call(method, target, role, method === 'DELETE' ? undefined : {});
          if (status < 400) attempts.push(`${method} ${target} as ${role}: ${status}`);
        }
      }
      // Clearing it through a query of the read route is not a thing either.
      const read = await api.call('GET', `/audit?limit=1&delete=${victim}`, role);
      if (read.status < 400) attempts.push(`GET /audit?delete as ${role}: ${read.status}`);
    }
    expect(attempts).toEqual([]);

    // One more change; the log is the old log with one entry on top, every old entry unchanged.
    expect((await api.call('POST', '/keys', 'admin', { name: 'late', role: 'leadership' })).status).toBe(201);
    const after = (await (await api.call('GET', '/audit?limit=500', 'admin')).json()) as AuditPage;
    expect(after.total).toBe(before.total + 1);
    expect(after.items.slice(1)).toEqual(before.items);
    expect(after.items[0]).toMatchObject({ action: 'createKey', keyId: api.keyIds.admin, status: 201 });
  });
});
