import path from 'node:path';
import { build, stop, type OutputFile } from 'esbuild';
import express, { Router, type RequestHandler } from 'express';
import { PROJECT_ROOT } from '../config/config';

const CLIENT_DIR = path.join(PROJECT_ROOT, 'src', 'web', 'client');
const PUBLIC_DIR = path.join(PROJECT_ROOT, 'src', 'web', 'public');
const SWAGGER_UI_DIR = path.dirname(require.resolve('swagger-ui-dist/package.json'));

export interface Bundle {
  files: Map<string, { contentType: string; body: Uint8Array }>;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/**
 * Bundles the dashboard's TypeScript (and uPlot with its CSS) in memory with esbuild: one small file
 * per page, nothing fetched from elsewhere, no build step to forget before `serve`.
 */
export async function bundleClient(): Promise<Bundle> {
  const result = await build({
    entryPoints: { app: path.join(CLIENT_DIR, 'main.ts'), docs: path.join(CLIENT_DIR, 'docs.ts') },
    bundle: true,
    write: false,
    format: 'iife',
    target: 'es2022',
    minify: true,
    outdir: '/assets',
    logLevel: 'silent',
  });
  // The bundle is built once per process; esbuild's helper process would otherwise outlive the server.
  await stop();
  const files = new Map<string, { contentType: string; body: Uint8Array }>();
  for (const file of result.outputFiles satisfies OutputFile[]) {
    const name = path.basename(file.path);
    files.set(name, {
      contentType: TYPES[path.extname(name)] ?? 'application/octet-stream',
      body: file.contents,
    });
  }
  return { files };
}

/**
 * The dashboard: two HTML shells (the app and the API reference), the bundled client, and Swagger UI's
 * files from its npm package. None of it carries data; pages call `/api/v1` with the key typed at login.
 */
export function webRoutes(): Router {
  const router = Router();
  let bundle: Promise<Bundle> | undefined;
  const assets: RequestHandler = async (req, res, next) => {
    bundle ??= bundleClient();
    const name = req.params.file;
    const file = typeof name === 'string' ? (await bundle).files.get(name) : undefined;
    if (file === undefined) {
      next();
      return;
    }
    res.type(file.contentType).setHeader('cache-control', 'no-cache');
    res.send(Buffer.from(file.body));
  };
  router.get('/', (_req, res) => {
    res.sendFile(path.join(PUBLIC_DIR, 'index.html'));
  });
  router.get('/docs', (_req, res) => {
    res.sendFile(path.join(PUBLIC_DIR, 'docs.html'));
  });
  router.get('/favicon.svg', (_req, res) => {
    res.sendFile(path.join(PUBLIC_DIR, 'favicon.svg'));
  });
  router.get('/assets/:file', assets);
  router.use(
    '/vendor/swagger-ui',
    express.static(SWAGGER_UI_DIR, { index: false, fallthrough: false, maxAge: '1h' }),
  );
  return router;
}
