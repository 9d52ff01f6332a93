import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { browserOpener, deskUrlIn, findElectronBinary } from '../../../scripts/launch.mjs';

const dir = '/repo/node_modules/electron';
const fsOf = (files: Record<string, string>) => ({
  exists: (p: string) => p in files,
  read: (p: string) => files[p] ?? '',
});

describe('npm start: is the Electron binary there?', () => {
  it('no electron package at all', () => {
    const r = findElectronBinary({ electronDir: null, env: {} });
    expect(r).toEqual({ ok: false, reason: expect.stringContaining('node_modules/electron is missing') });
  });

  it('package installed with ELECTRON_SKIP_BINARY_DOWNLOAD: no path.txt', () => {
    const r = findElectronBinary({ electronDir: dir, env: {}, ...fsOf({}) });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toContain('path.txt is missing');
  });

  it('path.txt written but dist/ deleted', () => {
    const r = findElectronBinary({ electronDir: dir, env: {}, ...fsOf({ [path.join(dir, 'path.txt')]: 'electron' }) });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toContain(path.join(dir, 'dist', 'electron'));
  });

  it('downloaded: path.txt names the executable inside dist/', () => {
    const files = { [path.join(dir, 'path.txt')]: 'electron\n', [path.join(dir, 'dist', 'electron')]: '' };
    expect(findElectronBinary({ electronDir: dir, env: {}, ...fsOf(files) })).toEqual({ ok: true, path: path.join(dir, 'dist', 'electron') });
  });

  it('ELECTRON_OVERRIDE_DIST_PATH replaces dist/ as electron itself does', () => {
    const files = { '/opt/electron/electron': '' };
    const env = { ELECTRON_OVERRIDE_DIST_PATH: '/opt/electron' };
    expect(findElectronBinary({ electronDir: dir, env, ...fsOf(files) })).toEqual({ ok: true, path: '/opt/electron/electron' });
    expect(findElectronBinary({ electronDir: dir, env, ...fsOf({}) }).ok).toBe(false);
  });

  it('the real checkout answers without throwing', () => {
    const r = findElectronBinary({ electronDir: path.resolve('node_modules/electron') });
    expect(typeof r.ok).toBe('boolean');
  });
});

describe('npm start in web mode: opening the browser', () => {
  const onPath = (have: string[]) => (cmd: string) => have.includes(cmd);
  it('Linux with a display and xdg-open', () => {
    expect(browserOpener({ platform: 'linux', env: { DISPLAY: ':0' }, onPath: onPath(['xdg-open']) })).toEqual({ cmd: 'xdg-open', args: [] });
    expect(browserOpener({ platform: 'linux', env: { WAYLAND_DISPLAY: 'wayland-0' }, onPath: onPath(['xdg-open']) })?.cmd).toBe('xdg-open');
  });
  it('headless Linux, or no xdg-open: none (the URL is printed instead)', () => {
    expect(browserOpener({ platform: 'linux', env: {}, onPath: onPath(['xdg-open']) })).toBeNull();
    expect(browserOpener({ platform: 'linux', env: { DISPLAY: ':0' }, onPath: onPath([]) })).toBeNull();
  });
  it('macOS uses open', () => {
    expect(browserOpener({ platform: 'darwin', env: {}, onPath: onPath(['open']) })).toEqual({ cmd: 'open', args: [] });
  });
  it('finds the desk URL in web mode output, only once it is printed', () => {
    expect(deskUrlIn('[jetway] ready in 3.1 s\n')).toBeNull();
    expect(deskUrlIn('[jetway] desk:  http://127.0.0.1:5173/?t=abc_-1   (open it in Chromium; …)\n')).toBe('http://127.0.0.1:5173/?t=abc_-1');
  });
});
