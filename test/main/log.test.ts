import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src-main/log';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, stream };
}

describe('logs carry no personal data or secrets', () => {
  it('censors names, CPR, addresses, notes, keys, tokens and URLs wherever they appear', async () => {
    const { lines, stream } = capture();
    const logger = createLogger('info', stream);
    logger.info(
      { visitId: 'appointment-1', name: 'Valdemar Hemmeligsen', cpr: '2305415123', citizen: { name: 'Valdemar Hemmeligsen', address: 'Kløvervej 3' } },
      'visit',
    );
    logger.warn(
      {
        key: 'a'.repeat(64),
        token: 'secret-token',
        url: 'http://127.0.0.1:1/?token=secret-token',
        visit: { notes: 'Insulin 14 IE', cprMasked: '230541-xxxx' },
      },
      'refused',
    );
    await new Promise((r) => setImmediate(r));
    const out = lines.join('');
    expect(out).toContain('appointment-1');
    for (const secret of ['Hemmeligsen', '2305415123', 'Kløvervej', 'aaaaaaaa', 'secret-token', 'Insulin 14', '230541']) expect(out).not.toContain(secret);
    expect(out).toContain('[skjult]');
  });
});
