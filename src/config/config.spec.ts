import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('applies defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config.indexPrefix).toBe('dozor');
    expect(config.api.port).toBe(8080);
    expect(config.redisUrl).toBeUndefined();
    expect(config.elasticsearch.url).toBeUndefined();
    expect(config.modelDir.endsWith('/.dozor/models')).toBe(true);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it.each([
    ['REDIS_URL', 'http://localhost:6379'],
    ['ELASTICSEARCH_URL', 'not a url'],
    ['API_PORT', '70000'],
    ['DOZOR_INDEX_PREFIX', 'Has Spaces'],
    ['ELASTICSEARCH_CA_CERT', '/nonexistent/ca.pem'],
    ['LOG_LEVEL', 'loud'],
  ])('rejects a bad %s and names it', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });

  it('requires user and password together', () => {
    expect(() => loadConfig({ ELASTICSEARCH_USERNAME: 'elastic' })).toThrow(/ELASTICSEARCH_PASSWORD/);
  });

  it('takes external services and credentials from the environment', () => {
    const config = loadConfig({
      REDIS_URL: 'redis://redis.internal:6380/2',
      ELASTICSEARCH_URL: 'https://es.internal:9200',
      ELASTICSEARCH_API_KEY: 'a2V5',
      CORS_ORIGINS: 'https://cur.example, https://ops.example',
    });
    expect(config.redisUrl).toBe('redis://redis.internal:6380/2');
    expect(config.elasticsearch).toEqual({ url: 'https://es.internal:9200', apiKey: 'a2V5' });
    expect(config.api.corsOrigins).toEqual(['https://cur.example', 'https://ops.example']);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ REDIS_URL: '', ELASTICSEARCH_URL: '  ' }).redisUrl).toBeUndefined();
  });
});
