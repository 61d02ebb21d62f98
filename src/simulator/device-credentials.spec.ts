import { CredentialsError, deviceUsernamesOf, parseCredentialSheet, requireCredentials } from './device-credentials';
import { siteFactory } from './test-sites';

describe(parseCredentialSheet.name, () => {
  it('reads concatenated sheets with their header lines and CRLF endings', () => {
    const text = 'username,secret,device,zone\r\nhq.soap,s1,soap,wc\r\n\r\nusername,secret,device,zone\nbranch.kiosk,s2,kiosk,entrance\n';
    expect(parseCredentialSheet(text, 'a.csv')).toEqual(
      new Map([
        ['hq.soap', 's1'],
        ['branch.kiosk', 's2'],
      ]),
    );
  });

  it('names the file and line of a line that is not a credential', () => {
    expect(() => parseCredentialSheet('username,secret,device,zone\nhq.soap\n', 'a.csv')).toThrow(new CredentialsError('a.csv:2: expected "username,secret,device,zone", got "hq.soap"'));
  });
});

describe(requireCredentials.name, () => {
  it('passes when every device has a credential, and names the missing ones otherwise', () => {
    const usernames = deviceUsernamesOf([siteFactory()]);
    const all = new Map(usernames.map((u) => [u, 'secret']));
    expect(() => requireCredentials(all, usernames)).not.toThrow();
    all.delete(usernames[0]);
    expect(() => requireCredentials(all, usernames)).toThrow(`no credential for 1 of ${usernames.length} simulated devices (${usernames[0]})`);
  });
});
