import {
  createReadStream,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { env } from '@huggingface/transformers';
import { loadConfig } from '../../../src/config/config';
import { downloadHubModels, type HubSource } from '../../../src/models/build/hub-download';
import type { Encoder } from '../../../src/models/encoder';
import { createEncoder } from '../../../src/models/encoder-pool';
import {
  HUB_BUILD_COMMAND,
  HUB_MANIFEST,
  ModelFilesError,
  getModelEntry,
  hubManifestSchema,
  modelFolder,
  resolveModelEntry,
  sha256File,
  verifyModels,
} from '../../../src/models/model-registry';

/**
 * The hub download for real, without internet: a loopback server answers in the hub's URL layout
 * (`/{model}/resolve/{revision}/{file}`) with the offline build's files under the hub's names, and
 * transformers.js' `remoteHost` points at it.
 */
const config = loadConfig();
const entry = getModelEntry('multilingual-e5-small');
const offlineFolder = modelFolder(config, entry);
const source: HubSource = { repo: 'test-org/e5-small-hub', revision: 'main', dtype: 'q8' };
/** Hub file name -> file of the offline build served for it. */
const served: Record<string, string> = {
  'config.json': 'config.json',
  'tokenizer.json': 'tokenizer.json',
  'tokenizer_config.json': 'tokenizer_config.json',
  'onnx/model_quantized.onnx': 'onnx/model_int8.onnx',
};
const prefix = `/${source.repo}/resolve/${source.revision}/`;

let server: Server;
let requests: string[] = [];
let work: string;
const saved = { remoteHost: env.remoteHost };

beforeAll(async () => {
  server = createServer((request, response) => {
    const url = request.url ?? '';
    requests.push(`${request.method ?? '?'} ${url}`);
    const name = url.startsWith(prefix) ? decodeURIComponent(url.slice(prefix.length)) : undefined;
    const file = name === undefined ? undefined : served[name];
    if (file === undefined) {
      response.writeHead(404).end();
      return;
    }
    const full = path.join(offlineFolder, file);
    response.writeHead(200, { 'content-length': statSync(full).size });
    if (request.method === 'HEAD') response.end();
    else createReadStream(full).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  env.remoteHost = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  work = mkdtempSync(path.join(os.tmpdir(), 'dozor-hub-'));
});

afterAll(async () => {
  Object.assign(env, saved);
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
  rmSync(work, { recursive: true, force: true });
});

test('downloads the hub folder once, records its checksums, and the encoder loads it offline', async () => {
  const paths = { stateDir: path.join(work, 'state'), modelDir: path.join(work, 'models') };
  const hub = { modelDir: paths.modelDir, models: { source: 'hub' as const } };
  const folder = modelFolder(paths, entry);

  // Before the download, start-up names the missing manifest and the hub command.
  const before = await verifyModels(hub);
  expect(before).toEqual([
    expect.objectContaining({
      file: HUB_MANIFEST,
      problem: 'missing',
      path: path.join(folder, HUB_MANIFEST),
    }),
  ]);

  const log: string[] = [];
  const progress = (line: string): void => {
    log.push(line);
  };
  const [result] = await downloadHubModels(paths, progress, { [entry.name]: source });
  expect(result).toMatchObject({ model: entry.name, status: 'built', folder });
  expect(requests.filter((line) => line.startsWith('GET ')).length).toBeGreaterThanOrEqual(4);
  expect(existsSync(`${folder}.download`)).toBe(false);
  expect(log.join('\n')).toContain(
    `trained heads and zero-shot thresholds were fitted on the offline build ${entry.name}@${entry.version}`,
  );

  // The manifest lists exactly the fetched files, each with the sha256 of what the server sent.
  const manifest = hubManifestSchema.parse(JSON.parse(readFileSync(path.join(folder, HUB_MANIFEST), 'utf8')));
  expect(Object.keys(manifest.files).sort()).toEqual(Object.keys(served).sort());
  for (const [name, file] of Object.entries(served)) {
    expect(manifest.files[name]).toBe(await sha256File(path.join(offlineFolder, file)));
  }
  expect(manifest).toMatchObject({ repo: source.repo, revision: 'main', dtype: 'q8' });
  expect(manifest.version).toMatch(/^hub-main-q8-[0-9a-f]{12}$/);
  const resolved = resolveModelEntry(hub, entry.name);
  expect(resolved.version).not.toBe(entry.version);
  expect(resolved.hub).toEqual({ repo: source.repo, revision: 'main', offlineVersion: entry.version });
  expect(await verifyModels(hub)).toEqual([]);

  // A second run fetches nothing.
  const count = requests.length;
  const [again] = await downloadHubModels(paths, progress, { [entry.name]: source });
  expect(again?.status).toBe('up-to-date');
  expect(requests.length).toBe(count);

  // The runtime loads it with the server gone silent: every request would now fail loudly.
  requests = [];
  let encoder: Encoder | undefined;
  try {
    encoder = await createEncoder(hub, { workers: 1, threadsPerWorker: 1 });
    expect(encoder.version).toBe(manifest.version);
    const [vector] = await encoder.embedPassages(['Во дворе на улице Ленина третий день нет горячей воды.']);
    expect(vector?.length).toBe(entry.dim);
  } finally {
    await encoder?.close();
  }
  expect(requests).toEqual([]);

  // A corrupted file is named with its checksums and the hub command, and start-up refuses it.
  const tokenizerConfig = path.join(folder, 'tokenizer_config.json');
  writeFileSync(tokenizerConfig, `${readFileSync(tokenizerConfig, 'utf8')} `);
  const problems = await verifyModels(hub);
  expect(problems).toEqual([
    expect.objectContaining({
      file: 'tokenizer_config.json',
      problem: 'corrupt',
      expected: manifest.files['tokenizer_config.json'],
      actual: await sha256File(tokenizerConfig),
      source: 'hub',
    }),
  ]);
  const failure = createEncoder(hub, { workers: 1, threadsPerWorker: 1 });
  await expect(failure).rejects.toThrow(ModelFilesError);
  await expect(failure).rejects.toThrow(`corrupt: ${tokenizerConfig}`);
  await expect(failure).rejects.toThrow(HUB_BUILD_COMMAND);

  // A corrupted manifest is reported as such rather than trusted.
  writeFileSync(path.join(folder, HUB_MANIFEST), '{"repo": 1}');
  expect(await verifyModels(hub)).toEqual([
    expect.objectContaining({ file: HUB_MANIFEST, problem: 'corrupt', source: 'hub' }),
  ]);
});
