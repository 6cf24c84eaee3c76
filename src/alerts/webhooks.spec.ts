import { createHmac } from 'node:crypto';
import { signPayload } from './webhooks';

describe('webhook signatures', () => {
  it('signs "<timestamp>.<body>" with HMAC-SHA256, as receivers verify it', () => {
    const body = JSON.stringify({ event: 'alert.created' });
    const expected = createHmac('sha256', 'a-very-long-secret').update(`1700000000.${body}`).digest('hex');
    expect(signPayload(body, 1_700_000_000, 'a-very-long-secret')).toBe(`sha256=${expected}`);
    expect(signPayload(body, 1_700_000_001, 'a-very-long-secret')).not.toBe(`sha256=${expected}`);
  });
});
