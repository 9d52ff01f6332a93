import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSmsLog } from '../../../src/local/services/sms.js';

describe('SMS log', () => {
  it('keeps texts in memory when no folder is given', () => {
    const log = createSmsLog();
    log.send('+447700900123', 'Your flight JK309 is delayed');
    expect(log.file).toBeNull();
    expect(log.messages()).toMatchObject([{ id: 'sms-1', to: '+447700900123', text: 'Your flight JK309 is delayed' }]);
  });

  it('appends JSON lines and reads them back after a restart', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'jetway-sms-'));
    const first = createSmsLog(dir);
    first.send('+15551234567', 'one');
    first.send('+15551234568', 'two');
    expect(readFileSync(path.join(dir, 'sms.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
    const again = createSmsLog(dir);
    expect(again.messages().map((m) => m.text)).toEqual(['one', 'two']);
    expect(again.send('+15551234569', 'three').id).toBe('sms-3');
  });

  it.each([
    ['not E.164', '555-1234', 'hi', /E\.164/],
    ['empty text', '+15551234567', '', /at least 1|too small|>=1/i],
  ])('rejects %s', (_name, to, text, message) => {
    const log = createSmsLog();
    expect(() => log.send(to, text)).toThrow(message);
    expect(log.messages()).toEqual([]);
  });
});
