import { appealResponseTimes, listOverdueAppeals, respondToAppeal } from '../../../src/alerts/appeals';
import {
  addKnownFake,
  deleteKnownFake,
  listKnownFakes,
  registerSource,
  updateKnownFake,
} from '../../../src/alerts/registries';
import { sourceIdFor } from '../../../src/alerts/registry';
import { DEFAULT_ROUTING_TABLE, appealOf, route } from '../../../src/detect/routing';
import { AppealsRepository } from '../../../src/store/appeals.repository';
import { KnownFakesRepository } from '../../../src/store/known-fakes.repository';
import { SourcesRepository } from '../../../src/store/sources.repository';
import { createTestContext, type TestContext } from '../../support/context';

describe('registries and appeals against the real Elasticsearch', () => {
  let context: TestContext;

  beforeAll(async () => {
    context = await createTestContext('registries');
  });
  afterAll(async () => {
    await context.cleanup();
  });

  it('keeps known fakes and refutations, with lemmas derived for matching', async () => {
    const knownFakes = new KnownFakesRepository(context.es, context.config.indexPrefix);
    const deps = { knownFakes };
    const input = {
      kind: 'fake' as const,
      title: 'Отравление воды в Муроме',
      text: 'В Муроме отравлена вода в водопроводе, уже 12 человек в больнице',
    };
    const entry = await addKnownFake(deps, input, 'analyst-1');
    expect(entry.lemmas).toEqual(expect.arrayContaining(['муром', 'отравить', 'вода', 'больница']));
    // Adding the same text again is the same entry.
    expect((await addKnownFake(deps, input, 'analyst-2')).id).toBe(entry.id);
    const edited = await updateKnownFake(deps, entry.id, { ...input, title: 'Фейк об отравлении воды' });
    expect(edited.createdBy).toBe('analyst-1');
    expect((await listKnownFakes(deps, { text: 'отравлении' })).items.map((e) => e.title)).toEqual([
      'Фейк об отравлении воды',
    ]);
    await deleteKnownFake(deps, entry.id);
    await expect(deleteKnownFake(deps, entry.id)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('registers sources with the default credibility of their kind', async () => {
    const sources = new SourcesRepository(context.es, context.config.indexPrefix);
    const record = await registerSource(
      { sources },
      { platform: 'telegram', channel: '@murom_adm', kind: 'official', title: 'Администрация Мурома' },
      'admin',
    );
    expect(record.credibility).toBe(0.95);
    expect(await sources.get(sourceIdFor('telegram', '@murom_adm'))).toEqual(record);
    await expect(
      registerSource({ sources }, { platform: 'vk', channel: '-1', kind: 'media', credibility: 3 }, 'admin'),
    ).rejects.toMatchObject({ code: 'invalid_input' });
  });

  it('opens one appeal per story, lists it overdue after 24 h, and measures the response time', async () => {
    const appeals = new AppealsRepository(context.es, context.config.indexPrefix);
    const openedAt = '2025-02-05T05:00:00.000Z';
    const routing = route(
      { topic: 'water', region: 'Владимирская область' },
      DEFAULT_ROUTING_TABLE,
      openedAt,
    );
    const record = appealOf({
      storyId: 's-appeal',
      title: 'Нет воды в Камешкове',
      topic: 'water',
      routing,
      openedAt,
      now: openedAt,
    });
    expect(await appeals.createMissing([record])).toEqual(['s-appeal']);
    expect(await appeals.createMissing([record])).toEqual([]);
    await appeals.refresh();
    const at = (iso: string) => () => new Date(iso);
    expect((await listOverdueAppeals({ appeals, now: at('2025-02-05T20:00:00Z') })).total).toBe(0);
    expect(
      (await listOverdueAppeals({ appeals, now: at('2025-02-06T06:00:00Z') })).items.map((a) => a.id),
    ).toEqual(['s-appeal']);
    const answered = await respondToAppeal(
      { appeals, now: at('2025-02-06T08:00:00Z') },
      { id: 's-appeal', by: 'minzhkh', response: 'Водоснабжение восстановлено' },
    );
    expect(answered.responseMs).toBe(27 * 3_600_000);
    await appeals.refresh();
    expect(await appealResponseTimes({ appeals, now: at('2025-02-07T00:00:00Z') })).toEqual([
      expect.objectContaining({
        department: 'Министерство ЖКХ Владимирской области',
        responded: 1,
        open: 0,
        overdue: 0,
        meanMs: 27 * 3_600_000,
      }),
    ]);
  });
});
