/// <reference lib="dom" />
import { get, post } from '../api';
import { h, mount } from '../dom';
import { fmtNumber, fmtTime } from '../format';
import { errorBox, loading, section, table } from '../ui';

interface QueueStats {
  items: { stage: string; counts: Record<string, number> }[];
}
interface DeadLetters {
  items: {
    stage: string;
    jobId: string;
    posts: number;
    attemptsMade: number;
    failedReason: string;
    failedAt?: string;
  }[];
}

const STATES = ['waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed'];

/** Queue monitor for admins: jobs per stage and the dead-letter queue with a retry button. */
export async function queuesPage(target: HTMLElement): Promise<void> {
  mount(target, loading());
  const [queues, dlq] = await Promise.all([get<QueueStats>('/queues'), get<DeadLetters>('/dlq?limit=100')]);
  const feedback = h('div');
  const retry = (body: Record<string, string>): void => {
    post<{ retried: number }>('/dlq/retry', body)
      .then(() => queuesPage(target))
      .catch((error: unknown) => {
        feedback.replaceChildren(errorBox(error));
      });
  };
  mount(
    target,
    h('h1', {}, 'Очереди конвейера'),
    feedback,
    section(
      'Задания по стадиям',
      table(
        ['Стадия', ...STATES],
        queues.items.map((q) => [q.stage, ...STATES.map((state) => fmtNumber(q.counts[state] ?? 0))]),
        'queues',
      ),
    ),
    section(
      `Очередь недоставленных (${dlq.items.length})`,
      dlq.items.length === 0
        ? h('p', { class: 'muted' }, 'Пусто.')
        : h(
            'div',
            {},
            h(
              'button',
              {
                class: 'primary',
                on: {
                  click: () => {
                    retry({});
                  },
                },
              },
              'Повторить все',
            ),
          ),
      table(
        ['Стадия', 'Задание', 'Публикаций', 'Попыток', 'Ошибка', 'Когда', ''],
        dlq.items.map((letter) => [
          letter.stage,
          letter.jobId,
          fmtNumber(letter.posts),
          fmtNumber(letter.attemptsMade),
          letter.failedReason,
          fmtTime(letter.failedAt),
          h(
            'button',
            {
              class: 'secondary',
              on: {
                click: () => {
                  retry({ stage: letter.stage, jobId: letter.jobId });
                },
              },
            },
            'Повторить',
          ),
        ]),
        'dlq',
      ),
    ),
  );
}
