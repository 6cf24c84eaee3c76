import type { Command } from 'commander';
import { z } from 'zod';
import type { StoryDocument } from '../../cluster/story';
import { resolveStory, type StoryView } from '../../cluster/story-view';
import { createContext } from '../../main/context';
import { StoriesRepository } from '../../store/stories.repository';
import { action } from '../action';
import { wholeNumber } from '../options';

const idSchema = z.string().min(1).max(200);

// Post texts are hostile: a title or channel could carry terminal escape sequences, so control and
// format characters are replaced before anything reaches the terminal.
const CONTROL = /[\p{Cc}\p{Cf}]/gu;
const clean = (text: string): string => text.replace(CONTROL, ' ');

const BAR_WIDTH = 40;

/** Hourly counts as rows of a bar chart, oldest first. */
function timelineRows(per1h: Record<string, number>): string[] {
  const entries = Object.entries(per1h).sort(([a], [b]) => (a < b ? -1 : 1));
  const max = Math.max(1, ...entries.map(([, n]) => n));
  return entries.map(
    ([start, n]) =>
      `  ${start.slice(0, 16).replace('T', ' ')}  ${String(n).padStart(5)}  ${'█'.repeat(Math.max(1, Math.round((n / max) * BAR_WIDTH)))}`,
  );
}

/** The human-readable view of one story, members by publication time (at most `maxMembers`). */
export function formatStory(view: StoryView, maxMembers = 50): string {
  const s = view.story;
  const members = [...s.members].sort((a, b) =>
    a.publishedAt < b.publishedAt ? -1 : a.publishedAt > b.publishedAt ? 1 : a.postId < b.postId ? -1 : 1,
  );
  const hidden = members.length - maxMembers;
  const lines = [
    `story ${s.id}${view.requestedId === undefined ? '' : ` (asked for ${view.requestedId}, merged into this one)`}`,
    `title:         ${clean(s.title)}`,
    `status:        ${s.status}${s.mergedInto === undefined ? '' : ` → ${s.mergedInto}`}`,
    `patient zero:  ${s.patientZero} (${s.patientZeroPost.platform} ${clean(s.patientZeroPost.channel)}, ${s.patientZeroPost.publishedAt})`,
    `first seen:    ${s.firstSeenAt}`,
    `last activity: ${s.lastActivityAt}`,
    `size:          ${s.size} post(s), ${s.suggestedCount} suggested`,
    `platforms:     ${
      Object.entries(s.platforms)
        .map(([platform, n]) => `${platform} ${n}`)
        .join(', ') || '—'
    }`,
    '',
    `members (${s.members.length} listed${hidden > 0 ? `, first ${maxMembers} shown` : ''}):`,
    ...members
      .slice(0, maxMembers)
      .map(
        (m) =>
          `  ${m.postId}  ${m.level.padEnd(8)} ${m.score.toFixed(3)}  ${m.state.padEnd(9)} ${m.publishedAt}  ${m.platform} ${clean(m.channel)}`,
      ),
    ...(hidden > 0 ? [`  … ${hidden} more (--members ${members.length})`] : []),
    '',
    `sources (${s.sources.length}):`,
    ...s.sources.map((src) => `  ${String(src.count).padStart(5)}  ${src.platform} ${clean(src.channel)}`),
    '',
    'timeline (posts per hour):',
    ...timelineRows(s.timeline.per1h),
  ];
  const history = s.history.filter((h) => h.type !== 'created');
  if (history.length > 0) {
    lines.push(
      '',
      'history:',
      ...history.map(
        (h) =>
          `  ${h.at}  ${h.type}${h.storyId === undefined ? '' : ` ${h.storyId}`}${h.postId === undefined ? '' : ` post ${h.postId}`} by ${clean(h.by)}${h.note === undefined ? '' : ` — ${clean(h.note)}`}`,
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** One line per story for the list. */
function formatListLine(s: StoryDocument): string {
  return `${s.id}  ${String(s.size).padStart(5)}  ${s.lastActivityAt}  ${clean(s.title)}`;
}

export function registerStories(program: Command): void {
  program
    .command('story <id>')
    .description('show a story: title, patient zero, first seen, members, sources, timeline, history')
    .option('--members <n>', 'members shown at most (1-1000)', wholeNumber(1, 1000), 50)
    .option('--json', 'print the story record as JSON')
    .action(
      action(async (id: string, options: { members: number; json?: boolean }) => {
        const storyId = idSchema.parse(id);
        const maxMembers = options.members;
        const context = await createContext({ logToStderr: true });
        try {
          const view = await resolveStory(
            new StoriesRepository(context.es, context.config.indexPrefix),
            storyId,
          );
          process.stdout.write(
            options.json === true ? `${JSON.stringify(view, null, 2)}\n` : formatStory(view, maxMembers),
          );
        } finally {
          await context.close();
        }
      }),
    );
  program
    .command('stories')
    .description('list the most recently active stories: id, size, last activity, title')
    .option('--limit <n>', 'at most this many (1-1000)', wholeNumber(1, 1000), 20)
    .option('--json', 'print the story records as JSON Lines')
    .action(
      action(async (options: { limit: number; json?: boolean }) => {
        const size = options.limit;
        const context = await createContext({ logToStderr: true });
        try {
          const stories = new StoriesRepository(context.es, context.config.indexPrefix);
          const { total, items } = await stories.list({ size, sort: 'lastActivityAt' });
          for (const story of items) {
            process.stdout.write(
              options.json === true ? `${JSON.stringify(story)}\n` : `${formatListLine(story)}\n`,
            );
          }
          process.stderr.write(`${items.length} of ${total} active stories\n`);
        } finally {
          await context.close();
        }
      }),
    );
}
