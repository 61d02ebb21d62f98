import { withoutUrlQueries } from './redact-urls';

describe(withoutUrlQueries.name, () => {
  it.each([
    [
      'GET https://feedback.example.com/api/ratings?token=s3cret&since=2026-03-01 answered 500 Internal Server Error',
      'GET https://feedback.example.com/api/ratings answered 500 Internal Server Error',
    ],
    [
      'https://a.example.com/x?access_token=abc: the next page https://b.example.com/y?key=k#frag is on another host',
      'https://a.example.com/x: the next page https://b.example.com/y is on another host',
    ],
    ['http://user:pw@host.example.com:8080/p?q=1 failed', 'http://user:pw@host.example.com:8080/p failed'],
    ['HTTPS://FEEDBACK.EXAMPLE.COM/x?a=1', 'https://feedback.example.com/x'],
    ['GET "https://feedback.example.com/x?a=1" failed', 'GET "https://feedback.example.com/x" failed'],
  ])('cuts the query string and fragment of every URL (%s)', (text, expected) => {
    expect(withoutUrlQueries(text)).toBe(expected);
  });

  it('leaves text without a query string as it is', () => {
    const text = 'GET https://feedback.example.com/api/ratings failed: connect ECONNREFUSED 127.0.0.1:443 (after 4 attempts)';
    expect(withoutUrlQueries(text)).toBe(text);
    expect(withoutUrlQueries('the environment variable CONNECTOR_X (the Authorization header) is not set')).toBe(
      'the environment variable CONNECTOR_X (the Authorization header) is not set',
    );
  });

  it('cuts the query of something that only looks like a URL', () => {
    expect(withoutUrlQueries('bad http://[::1?token=abc end')).toBe('bad http://[::1 end');
  });
});
