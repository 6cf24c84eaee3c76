import { postId, type Post } from '../../src/domain/post';

const PLACES = ['Коврове', 'Муроме', 'Суздале', 'Вязниках', 'Гусь-Хрустальном', 'Камешково', 'Кольчугине'];
const PROBLEMS = [
  'нет горячей воды',
  'яма на дороге',
  'не вывозят мусор',
  'не горят фонари',
  'отключили отопление',
  'сломан лифт',
  'затопило подвал',
];

/** `count` distinct, valid posts of one channel with simple Russian texts (for load and fault tests). */
export function makePosts(count: number, channel = '@test_channel', start = Date.UTC(2024, 2, 1)): Post[] {
  return Array.from({ length: count }, (_, i) => {
    const externalId = String(i + 1);
    return {
      id: postId('telegram', channel, externalId),
      platform: 'telegram',
      channel,
      externalId,
      text: `Жители пишут: в ${PLACES[i % PLACES.length] ?? ''} ${PROBLEMS[i % PROBLEMS.length] ?? ''}, обращение № ${i + 1}.`,
      publishedAt: new Date(start + i * 60_000).toISOString(),
    };
  });
}
