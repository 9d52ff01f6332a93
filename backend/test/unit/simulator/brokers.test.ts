import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveBrokers } from '../../../src/simulator/brokers.js';

const cloudDir = (content: unknown): string => {
  const root = mkdtempSync(path.join(tmpdir(), 'jetway-brokers-'));
  mkdirSync(path.join(root, '.jetway', 'cloud'), { recursive: true });
  writeFileSync(path.join(root, '.jetway', 'cloud', 'cloud.json'), JSON.stringify(content));
  mkdirSync(path.join(root, 'sub', 'dir'), { recursive: true });
  return root;
};

describe('broker resolution', () => {
  it('--brokers wins over the environment and the cloud file', () => {
    const root = cloudDir({ kafkaBrokers: ['127.0.0.1:1'] });
    expect(resolveBrokers({ flag: 'a:1, b:2', env: { KAFKA_BROKERS: 'c:3' }, cwd: root }).brokers).toEqual([
      'a:1',
      'b:2',
    ]);
  });
  it('KAFKA_BROKERS wins over the cloud file', () => {
    const root = cloudDir({ kafkaBrokers: ['127.0.0.1:1'] });
    expect(resolveBrokers({ env: { KAFKA_BROKERS: 'c:3' }, cwd: root })).toEqual({
      brokers: ['c:3'],
      from: 'KAFKA_BROKERS',
    });
  });
  it('finds .jetway/cloud/cloud.json from a subdirectory', () => {
    const root = cloudDir({ kafkaBrokers: ['127.0.0.1:19092'], apiUrl: 'http://x' });
    expect(resolveBrokers({ env: {}, cwd: path.join(root, 'sub', 'dir') }).brokers).toEqual(['127.0.0.1:19092']);
  });
  it('a cloud file without brokers is a clear error', () => {
    const root = cloudDir({ apiUrl: 'http://x' });
    expect(() => resolveBrokers({ env: {}, cwd: root })).toThrow(/kafkaBrokers/);
  });
  it('nothing configured is a clear error', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'jetway-nobrokers-'));
    expect(() => resolveBrokers({ env: {}, cwd: root })).toThrow(/--brokers/);
  });
});
