import { describe, expect, it } from 'vitest';
import { decideExternalUrl } from '../../../src/main/open-external.js';

const allow = ['help.jetway.example', '.airline.example'];

describe('openExternal allow-list (Electron shell links)', () => {
  it.each([
    ['https://help.jetway.example/guide?x=1'],
    ['https://ops.airline.example/'],
    ['https://a.b.airline.example/x'],
    ['mailto:claims@ops.airline.example'],
    ['mailto:desk@help.jetway.example?cc=ops@ops.airline.example&subject=Hi'],
  ])('allows %s', (url) => {
    expect(decideExternalUrl(url, allow)).toMatchObject({ allow: true });
  });

  it.each([
    ['http on an allowed host', 'http://help.jetway.example/'],
    ['a host not on the list', 'https://evil.example/'],
    ['a look-alike suffix', 'https://help.jetway.example.evil.example/'],
    ['the bare domain of a subdomain entry', 'https://airline.example/'],
    ['a suffix without a dot', 'https://notairline.example/'],
    ['credentials in the URL', 'https://user:pw@help.jetway.example/'],
    ['a non-default port', 'https://help.jetway.example:8443/'],
    ['file:', 'file:///etc/passwd'],
    ['javascript:', 'javascript:alert(1)'],
    ['a protocol handler', 'ms-msdt:/id PCWDiagnostic'],
    ['smb:', 'smb://help.jetway.example/share'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['mailto to another domain', 'mailto:someone@evil.example'],
    ['mailto with a bcc elsewhere', 'mailto:claims@ops.airline.example?bcc=leak@evil.example'],
    ['mailto with a second recipient elsewhere', 'mailto:claims@ops.airline.example,leak@evil.example'],
    ['mailto without a recipient', 'mailto:'],
    ['not a URL', 'help.jetway.example'],
    ['empty', ''],
  ])('denies %s', (_name, url) => {
    expect(decideExternalUrl(url, allow)).toMatchObject({ allow: false });
  });

  it('denies everything with an empty allow-list', () => {
    expect(decideExternalUrl('https://help.jetway.example/', [])).toMatchObject({ allow: false });
    expect(decideExternalUrl('mailto:a@help.jetway.example', [])).toMatchObject({ allow: false });
  });
});
