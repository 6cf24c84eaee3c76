import { detectLanguage } from './language';
import { tokenize } from './tokenize';

const lang = (text: string) => detectLanguage(tokenize(text));

describe('detectLanguage', () => {
  it.each([
    ['ru', 'В Камешковском районе отключили воду'],
    ['ru', 'Из жизни админа'],
    ['ru', 'Типы сервисов Kubernetes: ClusterIP, NodePort, LoadBalancer и ExternalName'],
    ['uk', 'У Києві вимкнули світло, є проблеми з водою'],
    ['be', 'Дзякуй за дапамогу, ўсё добра'],
    ['kk', 'Қала әкімі отставкаға кетті'],
    ['en', 'Water outage in the city'],
    ['und', '🔥🔥🔥 !!!'],
    ['und', ''],
  ])('says %s for %p', (expected, text) => {
    expect(lang(text)).toBe(expected);
  });
});
