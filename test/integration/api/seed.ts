import { alertIdFor, subjectKeyOf, type AlertDocument, type AlertSubject } from '../../../src/alerts/alert';
import { applyMembers, emptyStory, type MemberEvent } from '../../../src/cluster/story';
import { postId, type Platform } from '../../../src/domain/post';
import type { PostDocument } from '../../../src/domain/post-document';
import { AlertsRepository } from '../../../src/store/alerts.repository';
import { StoriesRepository } from '../../../src/store/stories.repository';
import { analyzePost } from '../../../src/text';
import type { TestContext } from '../../support/context';

/** A post document as the pipeline would index it (our own analysis, no vector). */
export function postDoc(
  externalId: string,
  text: string,
  publishedAt: string,
  extra: Partial<PostDocument> = {},
): PostDocument {
  const platform: Platform = extra.platform ?? 'telegram';
  const channel = extra.channel ?? '@vladimir_news';
  const analyzed = analyzePost(text);
  return {
    id: postId(platform, channel, externalId),
    platform,
    channel,
    externalId,
    text,
    publishedAt,
    textClean: analyzed.textClean,
    lemmas: analyzed.lemmas,
    lang: analyzed.lang,
    hashtags: analyzed.hashtags,
    mentions: analyzed.mentions,
    urls: analyzed.urls,
    fingerprint: analyzed.fingerprint,
    ingestedAt: publishedAt,
    ...extra,
  };
}

/** A story record of these posts (all automatic members but `suggested`). */
export async function seedStory(
  context: TestContext,
  id: string,
  posts: readonly PostDocument[],
  suggested: readonly PostDocument[] = [],
): Promise<void> {
  const event = (post: PostDocument, state: 'auto' | 'suggested'): MemberEvent => ({
    postId: post.id,
    level: state === 'auto' ? 'exact' : 'semantic',
    score: state === 'auto' ? 1 : 0.8,
    state,
    publishedAt: post.publishedAt,
    platform: post.platform,
    channel: post.channel,
    text: post.textClean,
    lemmas: post.lemmas,
  });
  const first = posts[0];
  if (first === undefined) throw new Error('a story needs a post');
  const now = new Date().toISOString();
  const doc = applyMembers(
    emptyStory(id, event(first, 'auto'), now),
    [...posts.map((p) => event(p, 'auto')), ...suggested.map((p) => event(p, 'suggested'))],
    now,
  );
  await new StoriesRepository(context.es, context.config.indexPrefix).writeGuarded([{ doc }], true);
}

/** An alert document in its initial state, as a detector would create it. */
export function alertDoc(
  type: AlertDocument['type'],
  subject: AlertSubject,
  fields: Partial<AlertDocument> & { title: string; firstPostAt: string },
): AlertDocument {
  const subjectKey = subjectKeyOf(subject);
  const now = new Date().toISOString();
  return {
    id: alertIdFor(type, subjectKey),
    type,
    subjectKey,
    subject,
    summary: fields.title,
    severity: 'high',
    score: 0.9,
    signals: [
      {
        code: 'coordination',
        text: 'Один и тот же текст опубликовали 5 новых аккаунтов за 20 минут',
        values: { accounts: 5 },
      },
    ],
    status: 'new',
    comments: [],
    audit: [{ at: now, by: 'detector:test', action: 'created' }],
    escalations: [],
    evidence: { posts: [], sources: [] },
    postCount: 5,
    sourceCount: 3,
    createdAt: now,
    timeToAlertMs: 600_000,
    updatedAt: now,
    lastDetectedAt: now,
    revision: 1,
    detector: { name: 'test', version: '1' },
    ...(subject.kind === 'story' ? { storyId: subject.storyId } : {}),
    ...fields,
  };
}

export async function seedAlert(context: TestContext, doc: AlertDocument): Promise<void> {
  const alerts = new AlertsRepository(context.es, context.config.indexPrefix);
  if ((await alerts.create(doc, 'wait_for')) !== 'written') throw new Error(`alert ${doc.id} exists`);
}
