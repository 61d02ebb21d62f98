/** A run of text that may be an absolute http(s) URL; the URL class decides what it is. */
const URL_CANDIDATE = /\bhttps?:\/\/[^\s"'<>`]+/gi;

/**
 * The text with every http(s) URL in it cut before its query string and fragment, which often
 * carry tokens: a connector's lastError is shown to users and logged.
 */
export function withoutUrlQueries(text: string): string {
  return text.replace(URL_CANDIDATE, (match) => {
    // Punctuation at the end belongs to the sentence ("GET <url>: …"), not to the URL.
    const trailing = /[.,;:!)\]]*$/.exec(match)![0];
    return cut(match.slice(0, match.length - trailing.length)) + trailing;
  });
}

function cut(candidate: string): string {
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    // Not a URL after all: still drop whatever follows a ? or #, as that is where a token would be.
    return candidate.replace(/[?#].*$/, '');
  }
  if (!url.search && !url.hash) return candidate;
  url.search = '';
  url.hash = '';
  return url.href;
}

