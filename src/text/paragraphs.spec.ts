import { collapseRepeatedParagraphs } from './paragraphs';

describe('collapseRepeatedParagraphs', () => {
  it('drops a paragraph that repeats an earlier one verbatim', () => {
    expect(
      collapseRepeatedParagraphs('Нет воды на Ленина.\n\nАварийная бригада выехала.\n\nНет воды на Ленина.'),
    ).toBe('Нет воды на Ленина.\n\nАварийная бригада выехала.');
  });

  it('drops near-verbatim repeats that differ in case, spacing, punctuation or emoji', () => {
    expect(collapseRepeatedParagraphs('Нет воды на улице Ленина!\n\n💧 нет  воды на улице Ленина')).toBe(
      'Нет воды на улице Ленина!',
    );
  });

  it('drops a paragraph whose words an earlier paragraph already contains', () => {
    expect(
      collapseRepeatedParagraphs(
        'В Муроме перекрыли мост на ремонт.\nПодробнее на сайте.\n\nВ Муроме перекрыли мост на ремонт.',
      ),
    ).toBe('В Муроме перекрыли мост на ремонт.\nПодробнее на сайте.');
    expect(collapseRepeatedParagraphs('Нет воды и света.\n\nНет воды.')).toBe(
      'Нет воды и света.\n\nНет воды.',
    );
  });

  it('drops a line that repeats the line right above it', () => {
    expect(collapseRepeatedParagraphs('Заголовок новости\nЗаголовок новости.\nТекст')).toBe(
      'Заголовок новости\nТекст',
    );
  });

  it('keeps different paragraphs and emoji-only dividers', () => {
    const text = 'Первый.\n\n➖➖➖\n\nВторой.\n\n➖➖➖';
    expect(collapseRepeatedParagraphs(text)).toBe(text);
  });
});
