/// <reference lib="dom" />
import { get, qs, type PostPage } from '../api';
import { h, mount } from '../dom';
import { fmtNumber, fmtTime } from '../format';
import { loading, postText } from '../ui';

/** Full-text search over posts (the server lemmatizes the query as the pipeline does). */
export async function searchPage(target: HTMLElement, params: URLSearchParams): Promise<void> {
  const q = params.get('q') ?? '';
  const place = params.get('place') ?? '';
  const topic = params.get('topic') ?? '';
  const input = h('input', {
    name: 'q',
    value: q,
    placeholder: 'например: нет воды Ковров',
    'aria-label': 'Запрос',
  });
  const form = h(
    'form',
    {
      class: 'filters',
      on: {
        submit: (event) => {
          event.preventDefault();
          location.hash = `#/search${qs({ q: input.value, place, topic })}`;
        },
      },
    },
    input,
    h('button', { type: 'submit', class: 'primary' }, 'Найти'),
  );
  mount(target, h('h1', {}, 'Поиск публикаций'), form, loading());
  const page = await get<PostPage>(`/posts${qs({ q, place, topic, limit: 50 })}`);
  mount(
    target,
    h('h1', {}, 'Поиск публикаций'),
    form,
    h('p', { class: 'muted' }, `Найдено: ${fmtNumber(page.total)}`),
    h(
      'ul',
      { class: 'posts', 'data-testid': 'search-results' },
      page.items.map((post) =>
        h(
          'li',
          { 'data-id': post.id },
          h(
            'div',
            { class: 'muted' },
            `${fmtTime(post.publishedAt)} · ${post.platform} ${post.channelTitle ?? post.channel}`,
            post.storyId === undefined ? null : h('a', { href: `#/story/${post.storyId}` }, ' · история'),
          ),
          postText(post.text),
        ),
      ),
    ),
  );
}
