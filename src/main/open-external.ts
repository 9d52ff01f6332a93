/**
 * Which links the Electron shell may hand to the OS (`shell.openExternal`), from a window-open
 * request or a navigation of the desk window. Pure, so it is unit-tested without Electron.
 *
 * Only `https:` and `mailto:` pass, and only to hosts on the allow-list (JETWAY_EXTERNAL_HOSTS):
 * for https the URL's host, for mailto every recipient's domain. An entry `example.com` matches
 * that host exactly; `.example.com` matches its subdomains (not itself). Everything else —
 * `file:`, `javascript:`, custom protocol handlers (`ms-msdt:`, `smb:` …), http, credentials in
 * the URL, a non-default port, unparsable input — is denied.
 */
export type ExternalDecision = { allow: true; url: string } | { allow: false; reason: string };

const hostAllowed = (host: string, allowList: readonly string[]): boolean => {
  const h = host.toLowerCase().replace(/\.$/, '');
  if (h === '') return false;
  return allowList.some((entry) => {
    const e = entry.trim().toLowerCase();
    if (e === '') return false;
    return e.startsWith('.') ? h.endsWith(e) && h.length > e.length : h === e;
  });
};

export function decideExternalUrl(raw: string, allowList: readonly string[]): ExternalDecision {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { allow: false, reason: 'not a URL' };
  }
  if (url.protocol === 'https:') {
    if (url.username || url.password) return { allow: false, reason: 'credentials in the URL' };
    if (url.port !== '') return { allow: false, reason: 'non-default port' };
    if (!hostAllowed(url.hostname, allowList)) return { allow: false, reason: `host ${url.hostname} is not allowed` };
    return { allow: true, url: url.href };
  }
  if (url.protocol === 'mailto:') {
    let to: string;
    try {
      to = decodeURIComponent(url.pathname);
    } catch {
      return { allow: false, reason: 'bad mailto address' };
    }
    const extra = ['to', 'cc', 'bcc'].flatMap((k) => url.searchParams.getAll(k));
    const recipients = [to, ...extra]
      .flatMap((s) => s.split(','))
      .map((s) => s.trim())
      .filter((s) => s !== '');
    if (recipients.length === 0) return { allow: false, reason: 'no recipient' };
    for (const r of recipients) {
      const at = r.lastIndexOf('@');
      if (at <= 0 || !hostAllowed(r.slice(at + 1), allowList))
        return { allow: false, reason: `recipient ${r} is not on an allowed domain` };
    }
    return { allow: true, url: url.href };
  }
  return { allow: false, reason: `scheme ${url.protocol} is not allowed` };
}
