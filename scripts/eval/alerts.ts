/**
 * `npx tsx scripts/eval/alerts.ts [--no-models] [--only=<scenario>] [--seed=<seed>] [--verbose]`:
 * replays synthetic scenarios through the real stages (Redis + Elasticsearch under a throw-away
 * prefix) and scores the alerts against the generator's ground truth; writes docs/eval/alerts.md.
 * Scenarios: the demo week (3 fake campaigns, 3 emergencies), a `bench`-style month of 12k posts with
 * 2 + 2 random incidents, a quiet week and a busy Monday (no incident: every alert there is false).
 * Only a full run with the default seed writes the report; other seeds check that the thresholds were
 * not fitted to it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { format, resolveConfig } from 'prettier';
import type { GenerateOptions } from '../../datasets/synthetic/generator';
import type { CampaignSummary, EmergencySummary, Summary } from '../../datasets/synthetic/truth';
import type { AlertDocument } from '../../src/alerts/alert';
import { PROJECT_ROOT } from '../../src/config/config';
import { DETECTORS } from '../../src/detect/detectors.config';
import { createContext } from '../../src/main/context';
import { deleteIndices } from '../../src/store/index-manager';
import { createReplay, scenarioPosts } from './alerts-replay';

const BATCH = 20;

interface ScenarioResult {
  name: string;
  description: string;
  posts: number;
  summary: Summary;
  alerts: AlertDocument[];
  fake: Matching<CampaignSummary>;
  emergency: Matching<EmergencySummary>;
  trend: AlertDocument[];
  seconds: number;
}

interface Match<T> {
  truth: T;
  alerts: AlertDocument[];
}

interface Matching<T> {
  matched: Match<T>[];
  /** Alerts of this type that match no planted incident. */
  false: AlertDocument[];
}

/** Fake alerts are matched to campaigns by their story's posts: most members belong to the campaign. */
function matchFakes(
  alerts: readonly AlertDocument[],
  summary: Summary,
  campaignOfPost: ReadonlyMap<string, string>,
): Matching<CampaignSummary> {
  const matched: Match<CampaignSummary>[] = summary.campaigns.map((truth) => ({ truth, alerts: [] }));
  const falses: AlertDocument[] = [];
  for (const alert of alerts.filter((a) => a.type === 'fake')) {
    const ids = [alert.evidence.firstPost?.postId, ...alert.evidence.posts.map((p) => p.postId)].filter(
      (id): id is string => id !== undefined,
    );
    const votes = new Map<string, number>();
    for (const id of ids) {
      const campaign = campaignOfPost.get(id);
      if (campaign !== undefined) votes.set(campaign, (votes.get(campaign) ?? 0) + 1);
    }
    const best = [...votes].sort((a, b) => b[1] - a[1])[0];
    const target =
      best === undefined || best[1] * 2 < ids.length
        ? undefined
        : matched.find((m) => m.truth.id === best[0]);
    if (target === undefined) falses.push(alert);
    else target.alerts.push(alert);
  }
  return { matched, false: falses };
}

/** Emergency alerts are matched by (place, category): what a duty officer needs to be right. */
function matchEmergencies(alerts: readonly AlertDocument[], summary: Summary): Matching<EmergencySummary> {
  const matched: Match<EmergencySummary>[] = summary.emergencies.map((truth) => ({ truth, alerts: [] }));
  const falses: AlertDocument[] = [];
  for (const alert of alerts.filter((a) => a.type === 'emergency')) {
    const target = matched.find((m) => m.truth.place === alert.place && m.truth.category === alert.category);
    if (target === undefined) falses.push(alert);
    else target.alerts.push(alert);
  }
  return { matched, false: falses };
}

async function runScenario(
  name: string,
  options: GenerateOptions,
  models: boolean,
  log: (line: string) => void,
): Promise<ScenarioResult> {
  const started = Date.now();
  const { posts, summary, sources } = scenarioPosts(options);
  const prefix = `eval-alerts-${name}-${process.pid}`.toLowerCase();
  const context = await createContext({
    env: { ...process.env, DOZOR_INDEX_PREFIX: prefix, DOZOR_QUEUE_PREFIX: prefix, LOG_LEVEL: 'silent' },
  });
  try {
    const replay = await createReplay(context, { models });
    try {
      const registered = await replay.registerSources(sources);
      log(`${name}: ${posts.length} posts, ${registered} registered sources`);
      await replay.feed(posts, BATCH);
      await replay.repos.alerts.refresh();
      const alerts = (await replay.repos.alerts.list({ size: 1000, sort: 'createdAt' })).items;
      const campaignOfPost = new Map<string, string>();
      for (const e of posts)
        if (e.truth.campaignId !== null && e.truth.role === 'fake')
          campaignOfPost.set(e.truth.postId, e.truth.campaignId);
      const result: ScenarioResult = {
        name,
        description: summary.scenario,
        posts: posts.length,
        summary,
        alerts,
        fake: matchFakes(alerts, summary, campaignOfPost),
        emergency: matchEmergencies(alerts, summary),
        trend: alerts.filter((a) => a.type === 'trend'),
        seconds: (Date.now() - started) / 1000,
      };
      log(`${name}: ${alerts.length} alerts in ${result.seconds.toFixed(0)} s`);
      if (process.argv.includes('--verbose')) {
        for (const a of alerts) {
          const truthOf = (id: string | undefined): string => {
            const t = posts.find((e) => e.truth.postId === id)?.truth;
            return t === undefined ? '?' : `${t.role}/${t.campaignId ?? t.emergency?.id ?? ''}/${t.copyType}`;
          };
          log(
            `  ${a.type} ${a.title} | posts ${a.postCount} sources ${a.sourceCount} | score ${a.score} ${a.severity} | ` +
              `first ${a.firstPostAt} trigger ${a.triggerPostAt ?? ''} | pz ${truthOf(a.evidence.firstPost?.postId)} | ` +
              a.signals.map((s) => `${s.text} ${JSON.stringify(s.values)}`).join(' / '),
          );
        }
      }
      return result;
    } finally {
      await replay.close();
    }
  } finally {
    await deleteIndices(context.es, prefix);
    const keys = await context.redis.keys(`${prefix}:*`);
    for (let i = 0; i < keys.length; i += 1000) await context.redis.del(...keys.slice(i, i + 1000));
    await context.close();
  }
}

const minutes = (ms: number): string => `${(ms / 60_000).toFixed(0)} min`;
const mag = (m: { people?: number; houses?: number; days?: number } | undefined): string =>
  m === undefined
    ? '—'
    : ['people', 'houses', 'days'].map((k) => `${k[0]}=${m[k as 'people'] ?? '·'}`).join(' ');

function magnitudeRight(truth: EmergencySummary, alert: AlertDocument): boolean {
  const t = truth.magnitude;
  const a = alert.magnitude ?? {};
  return (['people', 'houses', 'days'] as const).every((k) => t[k] === undefined || t[k] === a[k]);
}

/** Event-time delay from the incident's first post to the alert (the replay clock is event time). */
const delayOf = (startAt: string, alert: AlertDocument): number =>
  Date.parse(alert.triggerPostAt ?? alert.createdAt) - Date.parse(startAt);

function report(results: readonly ScenarioResult[], models: boolean, pending: readonly string[]): string {
  const lines: string[] = [];
  const totals = {
    tpF: 0,
    fpF: 0,
    fnF: 0,
    dupF: 0,
    tpE: 0,
    fpE: 0,
    fnE: 0,
    dupE: 0,
    placeOk: 0,
    magOk: 0,
    trend: 0,
  };
  const delaysF: number[] = [];
  const delaysE: number[] = [];
  for (const r of results) {
    totals.fpF += r.fake.false.length;
    totals.fpE += r.emergency.false.length;
    totals.trend += r.trend.length;
    for (const m of r.fake.matched) {
      if (m.alerts.length === 0) totals.fnF++;
      else {
        totals.tpF++;
        totals.dupF += m.alerts.length - 1;
        const first = m.alerts[0];
        if (first !== undefined) delaysF.push(delayOf(m.truth.startAt, first));
      }
    }
    for (const m of r.emergency.matched) {
      if (m.alerts.length === 0) totals.fnE++;
      else {
        totals.tpE++;
        totals.dupE += m.alerts.length - 1;
        const first = m.alerts[0];
        if (first !== undefined) {
          delaysE.push(delayOf(m.truth.startAt, first));
          if (first.place === m.truth.place) totals.placeOk++;
          if (magnitudeRight(m.truth, first)) totals.magOk++;
        }
      }
    }
  }
  const prf = (tp: number, fp: number, fn: number): string => {
    const p = tp + fp === 0 ? 1 : tp / (tp + fp);
    const rc = tp + fn === 0 ? 1 : tp / (tp + fn);
    return `precision ${p.toFixed(3)}, recall ${rc.toFixed(3)} (TP ${tp}, FP ${fp}, FN ${fn})`;
  };
  const median = (xs: number[]): number => {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)] ?? 0;
  };
  lines.push(
    '# Alert evaluation',
    '',
    `Generated by \`npx tsx scripts/eval/alerts.ts${models ? '' : ' --no-models'}\` (detectors ${DETECTORS.version}; models ${models ? 'on: e5 vectors, zero-shot topics, fake and routing heads' : 'off: no vectors, topics or heads'}).`,
    'Each scenario is generated by `datasets/synthetic` with its seed, replayed through the real normalize → enrich →',
    `cluster → detect → index stages against Redis and Elasticsearch in batches of ${BATCH} posts in publication order, and`,
    'scored against the ground truth. A fake alert is a true positive when most of its evidence posts belong to one',
    'planted campaign; an emergency alert when its place and category are those of a planted emergency. Times are',
    "event time (the stream's own clock): from the incident's first post to the newest post the detector had seen",
    'when it raised the alert, so queueing does not count (the benchmark measures that).',
    '',
    '## Summary',
    '',
    ...(pending.length === 0 ? [] : [`Still replaying (not counted below): ${pending.join(', ')}.`, '']),
    `- Fake alerts: ${prf(totals.tpF, totals.fpF, totals.fnF)}; duplicates (a second alert for one campaign): ${totals.dupF}.`,
    `- Emergency alerts: ${prf(totals.tpE, totals.fpE, totals.fnE)}; duplicates: ${totals.dupE}; place right ${totals.placeOk}/${totals.tpE}; magnitude right ${totals.magOk}/${totals.tpE}.`,
    `- Median time from first post to alert: fakes ${minutes(median(delaysF))}, emergencies ${minutes(median(delaysE))}.`,
    `- Trend alerts (not part of the ground truth; listed below): ${totals.trend}.`,
    '',
  );
  for (const r of results) {
    lines.push(
      `## ${r.name}`,
      '',
      `${r.posts} posts, ${r.alerts.length} alerts, replayed in ${r.seconds.toFixed(0)} s.`,
      '',
    );
    if (r.summary.campaigns.length > 0) {
      lines.push(
        '| campaign | place | accounts | alerts | severity | score | first post → alert | signals |',
        '|---|---|---|---|---|---|---|---|',
      );
      for (const m of r.fake.matched) {
        const a = m.alerts[0];
        lines.push(
          `| ${m.truth.id} ${m.truth.narrative} | ${m.truth.place} | ${m.truth.accounts} | ${m.alerts.length} | ${a?.severity ?? '—'} | ${a?.score ?? '—'} | ${a === undefined ? '—' : minutes(delayOf(m.truth.startAt, a))} | ${a === undefined ? '' : a.signals.map((s) => s.code).join(', ')} |`,
        );
      }
      lines.push('');
    }
    if (r.summary.emergencies.length > 0) {
      lines.push(
        '| emergency | category | place | truth magnitude | alerts | alert place | alert magnitude | severity | first post → alert |',
        '|---|---|---|---|---|---|---|---|---|',
      );
      for (const m of r.emergency.matched) {
        const a = m.alerts[0];
        lines.push(
          `| ${m.truth.id} | ${m.truth.category} | ${m.truth.place} | ${mag(m.truth.magnitude)} | ${m.alerts.length} | ${a?.place ?? '—'} | ${mag(a?.magnitude)} | ${a?.severity ?? '—'} | ${a === undefined ? '—' : minutes(delayOf(m.truth.startAt, a))} |`,
        );
      }
      lines.push('');
    }
    const falses = [...r.fake.false, ...r.emergency.false];
    lines.push(`False alerts: ${falses.length}.`);
    for (const a of falses)
      lines.push(`- ${a.type}: ${a.title} (score ${a.score}; ${a.signals.map((s) => s.text).join(' ')})`);
    lines.push('', `Trend alerts: ${r.trend.length}.`);
    for (const a of r.trend) lines.push(`- ${a.title}: ${a.signals[0]?.text ?? ''}`);
    lines.push('');
    const example = r.alerts.find((a) => a.type === 'fake') ?? r.alerts[0];
    if (example !== undefined && r === results[0]) {
      lines.push('Example signals of the first fake alert:', '');
      for (const s of example.signals) lines.push(`- ${s.text}`);
      lines.push('');
    }
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const models = !process.argv.includes('--no-models');
  const log = (line: string): void => {
    process.stderr.write(`${line}\n`);
  };
  const seed = process.argv.find((a) => a.startsWith('--seed='))?.slice(7) ?? 'eval-alerts';
  const scenarios: [string, GenerateOptions][] = [
    ['demo', { scenario: 'demo', seed }],
    ['month', { scenario: 'bench', seed, posts: 12_000, days: 28 }],
    ['quiet-week', { scenario: 'quiet-week', seed }],
    ['busy-monday', { scenario: 'busy-monday', seed }],
  ];
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
  const selected = scenarios.filter(([name]) => only === undefined || only === name);
  const out = path.join(PROJECT_ROOT, 'docs', 'eval', 'alerts.md');
  mkdirSync(path.dirname(out), { recursive: true });
  const results: ScenarioResult[] = [];
  // Scenarios replay concurrently, each under its own prefix with its own encoder: the stages wait on
  // Redis and Elasticsearch often enough that one replay alone leaves the cores idle. The report is
  // rewritten as each scenario finishes, so a long run shows its results so far.
  await Promise.all(
    selected.map(async ([name, options]) => {
      results.push(await runScenario(name, options, models, log));
      results.sort(
        (a, b) => selected.findIndex(([n]) => n === a.name) - selected.findIndex(([n]) => n === b.name),
      );
      const pending = selected.map(([n]) => n).filter((n) => !results.some((r) => r.name === n));
      const text = report(results, models, pending);
      // Written as `npm run check` wants it (aligned tables), so regenerating never fails the check.
      if (only === undefined && seed === 'eval-alerts')
        writeFileSync(out, await format(text, { ...(await resolveConfig(out)), parser: 'markdown' }));
      if (pending.length === 0) process.stdout.write(`${text}\n`);
    }),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
