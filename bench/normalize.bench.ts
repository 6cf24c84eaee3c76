/**
 * `npm run bench:normalize` — throughput of the full text analysis (`analyzePost`) on one core over the
 * Telegram news dataset (`<datasetsDir>/telegram-news/raw/*.json`, 22,099 posts), plus what it removed.
 * Prints figures; asserts nothing. Skips with a message when the dataset is absent.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config/config';
import { analyzePost, lineKeys, warmUpLemmatizer, type AnalyzedText } from '../src/text';

/** Lines seen in at least this many posts of a channel count as its boilerplate (as the pipeline does). */
const CHANNEL_BOILERPLATE_MIN_POSTS = 8;

interface DumpPost {
  channel: string;
  text: string;
}

const log = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

function isDumpPost(value: unknown): value is DumpPost {
  return (
    typeof value === 'object' &&
    value !== null &&
    'text' in value &&
    'channel' in value &&
    typeof value.channel === 'string' &&
    (typeof value.text === 'string' || value.text === null)
  );
}

function loadPosts(rawDir: string): DumpPost[] {
  const posts: DumpPost[] = [];
  for (const name of readdirSync(rawDir)
    .filter((file) => file.endsWith('.json'))
    .sort()) {
    const parsed: unknown = JSON.parse(readFileSync(path.join(rawDir, name), 'utf8'));
    if (!Array.isArray(parsed)) continue;
    for (const item of parsed) {
      if (isDumpPost(item)) posts.push({ channel: item.channel, text: item.text });
    }
  }
  return posts;
}

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function rate(count: number, elapsed: number): string {
  return Math.round(count / elapsed).toLocaleString('en-US');
}

function main(): void {
  const rawDir = path.join(loadConfig().datasetsDir, 'telegram-news', 'raw');
  if (!existsSync(rawDir)) {
    log(`SKIPPED: dataset not found at ${rawDir} (set DOZOR_DATASETS_DIR).`);
    return;
  }
  const posts = loadPosts(rawDir);
  const chars = posts.reduce((sum, post) => sum + post.text.length, 0);
  log(`Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, one core (main thread)`);
  log(
    `Load average: ${os
      .loadavg()
      .map((value) => value.toFixed(2))
      .join(', ')}`,
  );
  log(
    `Input: ${posts.length.toLocaleString('en-US')} posts, ${(chars / 1e6).toFixed(1)} M chars, from ${rawDir}`,
  );

  let start = process.hrtime.bigint();
  warmUpLemmatizer();
  log(`Lemmatizer dictionaries loaded in ${Math.round(seconds(start) * 1000)} ms`);

  // Pass 1 starts with an empty lemma cache, pass 2 shows the steady state of a long-running worker.
  let results: AnalyzedText[] = [];
  for (const pass of ['cold lemma cache', 'warm lemma cache']) {
    start = process.hrtime.bigint();
    const cpuBefore = process.cpuUsage();
    results = posts.map((post) => analyzePost(post.text));
    const elapsed = seconds(start);
    const cpu = process.cpuUsage(cpuBefore);
    // CPU seconds, unlike the wall clock, do not grow when other jobs share the cores.
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    log(
      `analyzePost, ${pass}: ${rate(posts.length, elapsed)} posts/s (${(elapsed * 1000).toFixed(0)} ms), ` +
        `${rate(posts.length, cpuSeconds)} posts per CPU second`,
    );
  }

  // The per-channel repetition rule, with the counting the pipeline keeps in Redis done in memory here.
  start = process.hrtime.bigint();
  const keysPerPost = posts.map((post) => lineKeys(post.text));
  const counts = new Map<string, number>();
  posts.forEach((post, i) => {
    for (const key of keysPerPost[i] ?? []) {
      const id = `${post.channel}\u0000${key}`;
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
  });
  const withChannelRule = posts.map((post) =>
    analyzePost(post.text, {
      channelBoilerplate: (key) =>
        (counts.get(`${post.channel}\u0000${key}`) ?? 0) >= CHANNEL_BOILERPLATE_MIN_POSTS,
    }),
  );
  const elapsed = seconds(start);
  log(`lineKeys + analyzePost with channel boilerplate: ${rate(posts.length, elapsed)} posts/s`);

  const cleanChars = results.reduce((sum, r) => sum + r.textClean.length, 0);
  const cleanCharsChannel = withChannelRule.reduce((sum, r) => sum + r.textClean.length, 0);
  const tokens = results.reduce((sum, r) => sum + r.tokens.length, 0);
  const langs = new Map<string, number>();
  for (const r of results) langs.set(r.lang, (langs.get(r.lang) ?? 0) + 1);
  const rawTexts = new Set(posts.map((post) => post.text)).size;
  const fingerprints = new Set(withChannelRule.map((r) => r.fingerprint)).size;
  log(`Tokens: ${tokens.toLocaleString('en-US')} (${(tokens / posts.length).toFixed(1)} per post)`);
  log(
    `Clean text: ${((100 * cleanChars) / chars).toFixed(1)}% of raw characters with the built-in list, ` +
      `${((100 * cleanCharsChannel) / chars).toFixed(1)}% adding the channel rule`,
  );
  log(
    `Languages: ${[...langs.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([lang, n]) => `${lang} ${n}`)
      .join(', ')}`,
  );
  log(`Distinct raw texts: ${rawTexts}, distinct fingerprints: ${fingerprints}`);
  log(
    `Hashtags found in ${results.filter((r) => r.hashtags.length > 0).length} posts, URLs in ${results.filter((r) => r.urls.length > 0).length}`,
  );
}

main();
