import { runCli } from '../support/cli';

describe('start-up checks', () => {
  it('fails fast with a clear message and a non-zero exit when Elasticsearch is unreachable', async () => {
    const result = await runCli(['serve', '--port', '0'], {
      ...process.env,
      ELASTICSEARCH_URL: 'http://127.0.0.1:1',
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('Elasticsearch at http://127.0.0.1:1 is not usable');
    expect(result.stderr).toContain('ELASTICSEARCH_URL');
    expect(result.stderr).not.toMatch(/\bat .*\.js:\d+/); // no stack trace
  });

  it('stops on a bad configuration value and names the variable', async () => {
    const result = await runCli(['init'], { ...process.env, REDIS_URL: 'http://not-redis' });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('REDIS_URL');
  });

  it('prints help for every command', async () => {
    for (const args of [['--help'], ['services', '--help'], ['serve', '--help'], ['init', '--help']]) {
      const result = await runCli(args);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('Usage: dozor');
    }
  });
});
