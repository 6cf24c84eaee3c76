import { applyMembers, emptyStory, type MemberEvent } from '../../cluster/story';
import { formatStory } from './stories';

const event = (postId: string, channel: string, publishedAt: string, text = ''): MemberEvent => ({
  postId,
  level: postId === 'p1' ? 'exact' : 'near',
  score: postId === 'p1' ? 1 : 0.91,
  state: 'auto',
  publishedAt,
  platform: 'telegram',
  channel,
  text,
  lemmas: [],
});

describe('dozor story output', () => {
  const first = event(
    'p1',
    '@a',
    '2024-03-01T10:05:00.000Z',
    'Прорыв трубы на Ленина.\u001b[31m Без воды 12 домов.',
  );
  const story = applyMembers(
    emptyStory('s1', first, '2024-03-01T12:00:00.000Z'),
    [first, event('p2', '@b', '2024-03-01T10:01:00.000Z'), event('p3', '@a', '2024-03-01T11:30:00.000Z')],
    '2024-03-01T12:00:00.000Z',
  );

  it('shows patient zero, first seen, members by time with level, score and state, sources and timeline', () => {
    const text = formatStory({ story });
    expect(text).toContain('patient zero:  p2 (telegram @b, 2024-03-01T10:01:00.000Z)');
    expect(text).toContain('first seen:    2024-03-01T10:01:00.000Z');
    const members = text.split('\n').filter((line) => /^ {2}p\d/.test(line));
    expect(members.map((line) => line.trim().split(/\s+/).slice(0, 4))).toEqual([
      ['p2', 'near', '0.910', 'auto'],
      ['p1', 'exact', '1.000', 'auto'],
      ['p3', 'near', '0.910', 'auto'],
    ]);
    expect(text).toMatch(/\n +2 {2}telegram @a\n +1 {2}telegram @b\n/);
    expect(text).toMatch(/2024-03-01 10:00 +2 {2}█+\n {2}2024-03-01 11:00 +1 {2}█+/);
  });

  it('never passes a control character of a post to the terminal', () => {
    // The title comes from the patient zero's text here; p1's text carries an escape sequence.
    const hostile = { ...story, title: 'Прорыв \u001b[2J трубы' };
    expect(formatStory({ story: hostile })).not.toContain('\u001b');
  });
});
