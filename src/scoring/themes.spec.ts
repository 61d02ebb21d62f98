import type { Language } from '../catalog/catalog.types';
import { THEME_WORDS } from './theme-words';
import { stemsOf, THEMES, themeShares, themesOf, type Theme } from './themes';

const LANGUAGES: Language[] = ['sv', 'da', 'nb', 'fi', 'en', 'de'];

describe(themesOf.name, () => {
  const cases: Array<[Language, string, Theme[]]> = [
    ['en', 'The soap dispenser is empty and there are no paper towels', ['soap', 'towels']],
    ['en', 'Toilet out of order, and it smells awful', ['smell', 'broken']],
    ['en', 'Way too hot and stuffy in here', ['temperature', 'air']],
    ['en', 'Not clean at all, bin overflowing', ['bin']],
    ['en', 'Really clean, thank you!', ['praise']],
    ['sv', 'Tvålen är slut och pappershanddukarna också', ['soap', 'towels']],
    ['sv', 'Det luktar illa och golvet är smutsigt', ['smell', 'dirt']],
    ['sv', 'Papperskorgen är överfull', ['bin']],
    ['sv', 'Inte rent alls, toaletten fungerar inte', ['broken']],
    ['sv', 'Alldeles för trångt, lång kö till toaletten', ['crowding']],
    ['sv', 'Jättebra och fräscht, tack!', ['praise']],
    ['da', 'Ingen sæbe, og skraldespanden er fuld', ['soap', 'bin']],
    ['da', 'Toilettet er i stykker og det lugter', ['smell', 'broken']],
    ['da', 'Alt for varmt og indelukket i mødelokalet', ['temperature', 'air']],
    ['da', 'Meget rent og pænt, tak', ['praise']],
    ['nb', 'Det er ikke såpe, og dopapiret er tomt', ['soap', 'paper']],
    ['nb', 'Toalettet er tett og det lukter vondt', ['smell', 'broken']],
    ['nb', 'Mye bråk og støy fra kjøkkenet', ['noise']],
    ['nb', 'Veldig rent og ryddig, takk!', ['praise']],
    ['fi', 'Saippua on loppu ja käsipyyhkeet puuttuvat', ['soap', 'towels']],
    ['fi', 'Vessassa haisee pahalta ja lattia on likainen', ['smell', 'dirt']],
    ['fi', 'Roskakori on täynnä, eikä wc-paperia ole', ['paper', 'bin']],
    ['fi', 'Liian kuuma ja tunkkainen ilma', ['temperature', 'air']],
    ['fi', 'Pitkä jono ja hana ei toimi', ['broken', 'crowding']],
    ['fi', 'Todella siisti ja puhdas, kiitos!', ['praise']],
    ['de', 'Der Seifenspender ist leer und es stinkt', ['soap', 'smell']],
    ['de', 'Kein Toilettenpapier, der Mülleimer quillt über', ['paper', 'bin']],
    ['de', 'Viel zu laut und stickig, die Spülung ist kaputt', ['air', 'noise', 'broken']],
    ['de', 'Die Papierhandtücher sind alle', ['towels']],
    ['de', 'Nicht sauber, überall Flecken', ['dirt']],
    ['de', 'Sehr sauber, vielen Dank!', ['praise']],
  ];

  it.each(cases)('%s: "%s" names %j', (language, text, themes) => {
    expect(themesOf(text, language)).toEqual(themes);
  });

  it('finds nothing in comments about something else', () => {
    expect(themesOf('Mötet började klockan tio på tisdag', 'sv')).toEqual([]);
    expect(themesOf('Where is the nearest lift?', 'en')).toEqual([]);
    expect(themesOf('', 'fi')).toEqual([]);
  });

  it('has word lists for every theme in all six languages', () => {
    for (const language of LANGUAGES) for (const theme of THEMES) expect(THEME_WORDS[language][theme].length).toBeGreaterThanOrEqual(3);
  });
});

describe(stemsOf.name, () => {
  it('stems each language with its own Snowball algorithm', () => {
    expect(stemsOf('towels', 'en')).toEqual(['towel']);
    expect(stemsOf('Handtücher', 'de')).toEqual(['handtuch']);
    expect(stemsOf('tvålen', 'sv')).toEqual(['tvål']);
  });
});

describe(themeShares.name, () => {
  it('gives the share of comments per theme, most named first, with examples', () => {
    const comments = [
      { text: 'No soap again', language: 'en' as const },
      { text: 'Tvålen är slut', language: 'sv' as const },
      { text: 'Es stinkt und keine Seife', language: 'de' as const },
      { text: 'Veldig rent, takk', language: 'nb' as const },
    ];
    const sut = themeShares(comments, 2);
    expect(sut).toEqual([
      { theme: 'soap', count: 3, share: 0.75, examples: ['No soap again', 'Tvålen är slut'] },
      { theme: 'smell', count: 1, share: 0.25, examples: ['Es stinkt und keine Seife'] },
      { theme: 'praise', count: 1, share: 0.25, examples: ['Veldig rent, takk'] },
    ]);
  });

  it('is empty without comments', () => {
    expect(themeShares([])).toEqual([]);
  });
});
