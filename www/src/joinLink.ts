/**
 * A served drill's join link, `/#join=TOKEN`: the token rides in the fragment, which
 * browsers never send to a server. Its own tiny module, so the page can tell a join link
 * from a view id without loading the served drill's code.
 */

/** The token of a join link's fragment (`#join=TOKEN`), or null. */
export function joinToken(hash: string): string | null {
  const m = /^#?join=([^&]+)/.exec(hash);
  if (!m) return null;
  try {
    const t = decodeURIComponent(m[1]!).trim();
    return t || null;
  } catch {
    return null;
  }
}

/** The fragment of a join link for `token`. */
export function joinHash(token: string): string {
  return `#join=${encodeURIComponent(token)}`;
}
