// The log a socket's failed requests leave, with real pino output and a fake
// clock: bounded whatever the client does.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ClientError, NotFoundError } from '../errors.js';
import { MediaRequestError } from '../rooms/index.js';
import { RequestErrorLog } from './RequestErrorLog.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  let now = 0;
  return { lines, logger, now: () => now, advance: (ms: number) => (now += ms) };
}

describe('RequestErrorLog', () => {
  it('logs each kind of media refusal once, without a stack, and ordinary client errors not at all', () => {
    const { lines, logger } = capture();
    const errors = new RequestErrorLog(logger);
    for (let i = 0; i < 200; i++) {
      errors.report(
        'connectTransport',
        new MediaRequestError('connect the transport', 'connect() already called', false),
      );
      errors.report('produce', new MediaRequestError('send this stream', 'unsupported codec', true));
      errors.report('produce', new MediaRequestError('send this stream', 'ssrc already exists', false));
      errors.report('admit', new ClientError('not_host', 'Only a host can do that.'));
      errors.report('consume', new NotFoundError('producer'));
    }
    expect(lines).toHaveLength(3);
    expect(lines.map((line) => [line.request, line.errorCode])).toEqual([
      ['connectTransport', 'media_error'],
      ['produce', 'invalid_message'],
      ['produce', 'media_error'],
    ]);
    expect(JSON.stringify(lines)).not.toContain('stack');
  });

  it('logs unexpected errors with their stack, 5 at once then one a minute, counting those left out', () => {
    const { lines, logger, now, advance } = capture();
    const errors = new RequestErrorLog(logger, now);
    for (let i = 0; i < 200; i++) errors.report('consume', new Error(`bug ${i}`));
    expect(lines).toHaveLength(5);
    expect((lines[0]?.err as { stack: string }).stack).toMatch(/Error: bug 0\n\s+at /);
    advance(60_000);
    errors.report('consume', new Error('bug after a minute'));
    expect(lines).toHaveLength(6);
    expect(lines[5]).toMatchObject({ suppressed: 195, err: { message: 'bug after a minute' } });
  });
});
