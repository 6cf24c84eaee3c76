/// <reference lib="dom" />
import { get, post, qs, type AlertDetail, type AlertPage, type Me, type StoryDetail } from '../api';
import { timeChart } from '../charts';
import { h, mount } from '../dom';
import { LEVEL_NAMES, STATUS_NAMES, fmtDuration, fmtNumber, fmtTime } from '../format';
import { errorBox, loading, postText, section, severityBadge, statusBadge, table, typeBadge } from '../ui';

/** The analyst's queue: fake alerts waiting for review first, then the rest. */
export async function alertQueuePage(target: HTMLElement, params: URLSearchParams): Promise<void> {
  const type = params.get('type') ?? 'fake';
  const status = params.get('status') ?? 'new,in_review';
  mount(target, loading());
  const page = await get<AlertPage>(`/alerts${qs({ type, status, limit: 50 })}`);
  const filters = h(
    'nav',
    { class: 'filters' },
    [
      ['fake', 'new,in_review', 'Фейки на проверку'],
      ['fake', 'confirmed,dismissed', 'Фейки: решённые'],
      ['trend', 'new,in_review', 'Тренды'],
      ['emergency', 'new,in_review,acknowledged', 'ЧС'],
    ].map(([t = '', s = '', label]) =>
      h(
        'a',
        { href: `#/alerts?type=${t}&status=${s}`, class: t === type && s === status ? 'active' : '' },
        label,
      ),
    ),
  );
  mount(
    target,
    h('h1', {}, 'Очередь оповещений'),
    filters,
    page.items.length === 0
      ? h('p', { class: 'muted', 'data-testid': 'empty-queue' }, 'Очередь пуста.')
      : table(
          ['Оповещение', 'Тип', 'Важность', 'Статус', 'Публикаций', 'Источников', 'Обновлено'],
          page.items.map((alert) => [
            h('a', { href: `#/alert/${alert.id}`, 'data-testid': 'alert-link' }, alert.title),
            typeBadge(alert.type),
            severityBadge(alert.severity),
            statusBadge(alert.status),
            fmtNumber(alert.postCount),
            fmtNumber(alert.sourceCount),
            fmtTime(alert.updatedAt),
          ]),
          'alert-queue',
        ),
    h('p', { class: 'muted' }, `Всего: ${fmtNumber(page.total)}`),
  );
}

/** The next statuses a person can pick, as the lifecycle allows, with their button labels. */
function actionsFor(alert: AlertDetail, role: Me['role']): { to: string; label: string; via?: string }[] {
  if (alert.type === 'emergency') {
    if (alert.status === 'acknowledged') return [{ to: 'resolved', label: 'Решено' }];
    if (alert.status === 'resolved') return [{ to: 'acknowledged', label: 'Вернуть в работу' }];
    const out = [{ to: 'acknowledged', label: 'Принять в работу' }];
    return role === 'duty_officer' ? out : [...out, ...reviewActions(alert)];
  }
  if (role === 'duty_officer') return [];
  return reviewActions(alert);
}

function reviewActions(alert: AlertDetail): { to: string; label: string; via?: string }[] {
  const viaReview = alert.status === 'new' ? { via: 'in_review' } : {};
  switch (alert.status) {
    case 'new':
    case 'in_review':
      return [
        { to: 'confirmed', label: alert.type === 'fake' ? 'Подтвердить фейк' : 'Подтвердить', ...viaReview },
        { to: 'dismissed', label: 'Отклонить', ...viaReview },
      ];
    case 'confirmed':
    case 'dismissed':
      return [{ to: 'in_review', label: 'Вернуть на проверку' }];
    case 'acknowledged':
    case 'resolved':
      return [];
  }
}

/** One alert: what and why (signals), evidence, the story's copies over time, patient zero, sources. */
export async function alertPage(target: HTMLElement, id: string, me: Me): Promise<void> {
  mount(target, loading());
  const alert = await get<AlertDetail>(`/alerts/${encodeURIComponent(id)}`);
  const story =
    alert.storyId === undefined
      ? undefined
      : await get<StoryDetail>(`/stories/${encodeURIComponent(alert.storyId)}`).catch(() => undefined);
  const note = h('textarea', {
    id: 'note',
    rows: 3,
    placeholder: 'Комментарий к решению (попадёт в журнал)',
    'aria-label': 'Комментарий',
  });
  const feedback = h('p', { class: 'error-text', role: 'status' });
  const act = async (to: string, via: string | undefined): Promise<void> => {
    let version = alert.version;
    const comment = note.value.trim();
    if (via !== undefined) {
      version = (await post<AlertDetail>(`/alerts/${alert.id}/status`, { to: via, version })).version;
    }
    await post<AlertDetail>(`/alerts/${alert.id}/status`, {
      to,
      version,
      ...(comment === '' ? {} : { note: comment }),
    });
    await alertPage(target, id, me);
  };
  const buttons = actionsFor(alert, me.role).map((action) =>
    h(
      'button',
      {
        class: action.to === 'dismissed' ? 'secondary' : 'primary',
        'data-testid': `action-${action.to}`,
        on: {
          click: () => {
            act(action.to, action.via).catch((error: unknown) => {
              feedback.replaceChildren(errorBox(error));
            });
          },
        },
      },
      action.label,
    ),
  );
  const timeline = h('div', { class: 'chart', 'data-testid': 'story-timeline' });
  const comment = h('textarea', {
    rows: 2,
    placeholder: 'Новый комментарий',
    'aria-label': 'Новый комментарий',
  });
  mount(
    target,
    h(
      'div',
      { class: 'alert-head' },
      h('h1', { 'data-testid': 'alert-title' }, alert.title),
      h(
        'p',
        {},
        typeBadge(alert.type),
        ' ',
        severityBadge(alert.severity),
        ' ',
        h('span', { 'data-testid': 'alert-status' }, statusBadge(alert.status)),
        ` оценка ${alert.score.toFixed(2)} · ${fmtNumber(alert.postCount)} публикаций · ${fmtNumber(alert.sourceCount)} источников`,
      ),
      h('p', {}, alert.summary),
      h(
        'p',
        { class: 'muted' },
        `Первая публикация ${fmtTime(alert.firstPostAt)}, оповещение через ${fmtDuration(alert.timeToAlertMs)}`,
        alert.place === undefined ? '' : ` · ${alert.place}`,
        alert.assignee === undefined ? '' : ` · исполнитель: ${alert.assignee}`,
      ),
    ),
    buttons.length === 0 ? null : section('Решение', note, h('div', { class: 'actions' }, buttons), feedback),
    section(
      'Почему (сигналы)',
      h(
        'ul',
        { class: 'signals', 'data-testid': 'signals' },
        alert.signals.map((signal) => h('li', {}, signal.text)),
      ),
    ),
    patientZero(alert, story),
    story === undefined
      ? null
      : section(
          `Копии истории на шкале времени (${fmtNumber(story.size)})`,
          timeline,
          table(
            ['Время', 'Источник', 'Сходство', 'Текст'],
            story.members
              .slice(0, 100)
              .map((member) => [
                fmtTime(member.publishedAt),
                `${member.platform} ${member.channel}`,
                `${LEVEL_NAMES[member.level] ?? member.level} ${member.score.toFixed(2)}`,
                member.post === undefined ? '—' : postText(member.post.text),
              ]),
            'story-copies',
          ),
        ),
    section(
      'Источники',
      table(
        ['Площадка', 'Канал', 'Тип источника', 'Публикаций'],
        alert.evidence.sources.map((source) => [
          source.platform,
          source.channel,
          source.kind,
          fmtNumber(source.count),
        ]),
        'sources',
      ),
    ),
    section(
      'Доказательства',
      h(
        'ul',
        { class: 'evidence', 'data-testid': 'evidence' },
        alert.evidence.posts.map((item) =>
          h(
            'li',
            {},
            h('div', { class: 'muted' }, `${fmtTime(item.publishedAt)} · ${item.channel}`),
            postText(item.excerpt),
          ),
        ),
      ),
    ),
    section(
      'Комментарии',
      h(
        'ul',
        { class: 'comments' },
        alert.comments.map((c) =>
          h('li', {}, h('b', {}, c.by), ` ${fmtTime(c.at)}: `, h('span', {}, c.text)),
        ),
      ),
      me.role === 'leadership'
        ? null
        : h(
            'div',
            { class: 'actions' },
            comment,
            h(
              'button',
              {
                class: 'secondary',
                on: {
                  click: () => {
                    post(`/alerts/${alert.id}/comments`, { text: comment.value })
                      .then(() => alertPage(target, id, me))
                      .catch((error: unknown) => {
                        feedback.replaceChildren(errorBox(error));
                      });
                  },
                },
              },
              'Добавить',
            ),
          ),
    ),
    section(
      'Журнал',
      table(
        ['Когда', 'Кто', 'Действие', 'Было → стало', 'Комментарий'],
        alert.audit.map((entry) => [
          fmtTime(entry.at),
          entry.by,
          entry.action,
          entry.from === undefined && entry.to === undefined
            ? ''
            : `${STATUS_NAMES[entry.from ?? ''] ?? entry.from ?? ''} → ${STATUS_NAMES[entry.to ?? ''] ?? entry.to ?? ''}`,
          entry.note ?? '',
        ]),
        'audit',
      ),
    ),
  );
  if (story !== undefined) {
    const buckets = story.timeline.per5m.length <= 288 ? story.timeline.per5m : story.timeline.per1h;
    timeChart(timeline, buckets, { label: 'Публикаций' });
  }
}

function patientZero(alert: AlertDetail, story: StoryDetail | undefined): HTMLElement | null {
  const post = story?.patientZeroPost;
  const first = alert.evidence.firstPost;
  if (post === undefined && first === undefined) return null;
  return section(
    'Нулевой пациент',
    h(
      'div',
      { class: 'patient-zero', 'data-testid': 'patient-zero' },
      h(
        'p',
        { class: 'muted' },
        post === undefined
          ? `${fmtTime(first?.publishedAt)} · ${first?.platform ?? ''} ${first?.channel ?? ''} · ${first?.sourceKind ?? ''}`
          : `${fmtTime(post.publishedAt)} · ${post.platform} ${post.channelTitle ?? post.channel}`,
        post?.url === undefined ? null : h('a', { href: post.url }, ' открыть оригинал'),
      ),
      postText(post === undefined ? (first?.excerpt ?? '') : post.text),
    ),
  );
}
