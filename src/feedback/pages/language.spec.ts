import { fromAcceptLanguage, pickLanguage } from './language';

describe(fromAcceptLanguage.name, () => {
  it.each([
    ['sv-SE,sv;q=0.9,en-US;q=0.8', 'sv'],
    ['en-GB', 'en'],
    ['fr-CH, fr;q=0.9, de;q=0.7, *;q=0.5', 'de'],
    ['nb-NO', 'nb'],
    ['no', 'nb'],
    ['nn', 'nb'],
    ['en;q=0.1, fi;q=0.9', 'fi'],
    ['DA-dk', 'da'],
    ['de;q=0, en', 'en'],
  ])('picks %p as %p', (header, expected) => {
    expect(fromAcceptLanguage(header)).toBe(expected);
  });

  it.each([undefined, '', '*', 'fr-FR,es;q=0.5', ';;;,q=1', 'sv;q=0'])('finds nothing supported in %p', (header) => {
    expect(fromAcceptLanguage(header)).toBeUndefined();
  });
});

describe(pickLanguage.name, () => {
  it('prefers an explicit choice, then the browser, then the site', () => {
    expect(pickLanguage('fi', 'de-DE', 'sv')).toBe('fi');
    expect(pickLanguage('xx', 'de-DE', 'sv')).toBe('de');
    expect(pickLanguage(undefined, 'fr-FR', 'nb')).toBe('nb');
    expect(pickLanguage(['fi'], undefined, 'da')).toBe('da');
  });
});
