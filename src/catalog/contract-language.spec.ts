import { contractLanguage } from './contract-language';

describe(contractLanguage.name, () => {
  it('takes the language the contract states', () => {
    expect(contractLanguage('sv', [{ key: 'cph', language: 'da' }])).toBe('sv');
  });

  it('else its sites\' most common', () => {
    expect(contractLanguage(undefined, [{ key: 'a', language: 'fi' }, { key: 'b', language: 'de' }, { key: 'c', language: 'de' }])).toBe('de');
  });

  it('and on a tie the language of the first tied site by key, whatever the order given', () => {
    const sites = [{ key: 'sto-hq', language: 'sv' }, { key: 'cph-office', language: 'da' }, { key: 'osl-office', language: 'nb' }] as const;
    expect(contractLanguage(null, sites)).toBe('da');
    expect(contractLanguage(null, [...sites].reverse())).toBe('da');
    // A language with more sites wins over one whose site sorts first.
    expect(contractLanguage(null, [...sites, { key: 'sto-2', language: 'sv' }])).toBe('sv');
  });

  it('is English for a contract without sites', () => {
    expect(contractLanguage(undefined, [])).toBe('en');
  });
});
