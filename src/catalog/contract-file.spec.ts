import { join } from 'node:path';
import { ContractFileError, loadContractDirectory, parseContractFile } from './contract-file';

const MINIMAL = `client:
  key: acme
  name: Acme
contract:
  key: acme-fm
  name: Acme FM
  provider: Polar
  starts: 2026-01-01
sites:
  - key: acme-hq
    name: Acme HQ
    city: Helsinki
    country: FI
    timeZone: Europe/Helsinki
    language: fi
    serviceHours:
      mon-fri: "07:00-18:00"
      sat: ["09:00-12:00", "13:00-15:00"]
    zones:
      - key: wc-1
        name: WC 1
        type: restroom
        touchpoints:
          - key: acme-wc-1-qr
            kind: qr
        devices:
          - key: soap-1
            signals: [soap_level]
            interval: 15m
`;

function problemsOf(source: string): string[] {
  try {
    parseContractFile('contracts/acme.yaml', source);
  } catch (error) {
    if (error instanceof ContractFileError) return error.problems;
    throw error;
  }
  return [];
}

describe(parseContractFile.name, () => {
  it('parses a valid file with defaults and normalised hours', () => {
    const sut = parseContractFile('contracts/acme.yaml', MINIMAL);
    const site = sut.spec.sites[0];
    expect(site.serviceHours.mon).toEqual([['07:00', '18:00']]);
    expect(site.serviceHours.sat).toEqual([
      ['09:00', '12:00'],
      ['13:00', '15:00'],
    ]);
    expect(site.serviceHours.sun).toEqual([]);
    expect(site.zones[0].touchpoints[0].scale).toBe('smiley5');
    expect(site.zones[0].devices[0].interval).toBe(900);
  });

  it('points a wrong type at its path and line', () => {
    expect(problemsOf(MINIMAL.replace('type: restroom', 'type: bathroom'))).toEqual([
      'contracts/acme.yaml:22: sites.0.zones.0.type: expected one of restroom, kitchen, meeting_room, open_office, entrance, other',
    ]);
    expect(problemsOf(MINIMAL.replace('interval: 15m', 'interval: true'))).toEqual([expect.stringMatching(/^contracts\/acme\.yaml:29: .*interval/)]);
  });

  it('points a missing field at its parent', () => {
    expect(problemsOf(MINIMAL.replace('    city: Helsinki\n', ''))).toEqual([expect.stringMatching(/^contracts\/acme\.yaml:10: sites\.0\.city: /)]);
  });

  it('rejects unknown fields, so typos do not pass silently', () => {
    expect(problemsOf(MINIMAL.replace('    language: fi', '    langauge: fi'))).toEqual(expect.arrayContaining([expect.stringContaining('langauge')]));
  });

  it.each([
    ['timeZone: Europe/Helsinki', 'timeZone: Mars/Olympus', 'IANA time zone'],
    ['"07:00-18:00"', '"18:00-07:00"', 'opening hours like'],
    ['mon-fri:', 'fri-mon:', 'weekday or range'],
    ['country: FI', 'country: Finland', 'ISO 3166'],
    ['key: acme-hq', 'key: Acme HQ', 'lower-case letters'],
    ['signals: [soap_level]', 'signals: [soap_level, soap_level]', 'listed twice'],
  ])('explains a bad value (%s → %s)', (from, to, message) => {
    expect(problemsOf(MINIMAL.replace(from, to))).toEqual([expect.stringContaining(message)]);
  });

  describe('cleaning plans', () => {
    const withPlans = (site: string, zone = '') =>
      MINIMAL.replace('    zones:\n', site ? `    cleaning:\n${site}    zones:\n` : '    zones:\n').replace('        type: restroom\n', `        type: restroom\n${zone}`);

    it('reads plans per zone type at site level, a zone overriding its type, with durations in seconds', () => {
      const sut = parseContractFile(
        'contracts/acme.yaml',
        withPlans(
          '      restroom: { usage: { visits: 40, maxInterval: 4h } }\n      kitchen: { scheduled: { times: ["07:00", "11:00"], grace: 20m } }\n      meeting_room: { onDemand: true }\n',
          '        cleaning: { scheduled: { every: 3h } }\n',
        ),
      );
      const site = sut.spec.sites[0];
      expect(site.cleaning).toEqual({
        restroom: { usage: { visits: 40, maxIntervalS: 14_400, respondWithinS: 1_800 } },
        kitchen: { scheduled: { times: ['07:00', '11:00'], graceS: 1_200 } },
        meeting_room: { onDemand: true },
      });
      expect(site.zones[0].cleaning).toEqual({ scheduled: { everyS: 10_800, graceS: 1_800 } });
    });

    it.each([
      ['      restroom: { scheduled: { grace: 30m } }\n', '', 'contracts/acme.yaml:20: sites.0.cleaning.restroom.scheduled: expected every, times or both'],
      ['      restroom: { scheduled: { times: ["7am"] } }\n', '', 'contracts/acme.yaml:20: sites.0.cleaning.restroom.scheduled.times.0: expected a local time like "07:00"'],
      ['      restroom: { usage: { visits: 0 } }\n', '', 'contracts/acme.yaml:20: sites.0.cleaning.restroom.usage.visits: expected at least 1 visitor'],
      ['      bathroom: { onDemand: true }\n', '', 'contracts/acme.yaml:20: sites.0.cleaning: Unrecognized key: "bathroom"'],
      ['      restroom: {}\n', '', 'contracts/acme.yaml:20: sites.0.cleaning.restroom: expected scheduled, usage or onDemand: true'],
      ['', '        cleaning: { onDemand: true, usage: { visits: 5 } }\n', 'contracts/acme.yaml:23: sites.0.zones.0.cleaning.onDemand: an on-demand zone has no scheduled or usage plan'],
      ['', '        cleaning: { usage: { visits: 5, respondWithin: soon } }\n', 'sites.0.zones.0.cleaning.usage.respondWithin: expected an interval like'],
    ])('points a bad plan at its path and line (%s%s)', (site, zone, message) => {
      expect(problemsOf(withPlans(site, zone))).toEqual([expect.stringContaining(message)]);
    });
  });

  it('reads incident targets per category in seconds, and points a bad one at its path and line', () => {
    const withIncidents = (yaml: string) => `${MINIMAL}incidents:\n${yaml}`;
    expect(parseContractFile('contracts/acme.yaml', withIncidents('  out_of_supplies: { priority: high, respond: 15m, resolve: 1h }\n')).spec.incidents).toEqual({
      out_of_supplies: { priority: 'high', respondS: 900, resolveS: 3600 },
    });
    expect(problemsOf(withIncidents('  leak: { priority: urgent, respond: 15m, resolve: 1h }\n'))).toEqual([expect.stringMatching(/^contracts\/acme\.yaml:31: incidents\.leak\.priority: expected one of critical, high, medium, low/)]);
    expect(problemsOf(withIncidents('  leak: { priority: high, respond: 2h, resolve: 1h }\n'))).toEqual([expect.stringMatching(/incidents\.leak\.resolve: resolve must not be shorter than respond/)]);
  });

  it('finds keys used twice', () => {
    const twice = MINIMAL.replace('          - key: soap-1', '          - key: soap-1\n            signals: [battery]\n            interval: 1h\n          - key: soap-1');
    expect(problemsOf(twice)).toEqual([expect.stringContaining('"soap-1" is used twice as a device key in site acme-hq')]);
  });

  it('reports YAML syntax errors with their line', () => {
    const problems = problemsOf(MINIMAL.replace('  name: Acme FM', '  name: [Acme FM'));
    expect(problems.length).toBeGreaterThan(0);
    for (const problem of problems) expect(problem).toMatch(/^contracts\/acme\.yaml:7: /);
  });
});

describe(loadContractDirectory.name, () => {
  it('loads the shipped demo contract: three Nordic sites, about 40 zones', () => {
    const [demo] = loadContractDirectory(join(__dirname, '..', '..', 'config', 'contracts'));
    const zones = demo.spec.sites.flatMap((s) => s.zones);
    expect(demo.spec.sites.map((s) => s.timeZone)).toEqual(['Europe/Stockholm', 'Europe/Copenhagen', 'Europe/Oslo']);
    expect(zones.length).toBeGreaterThanOrEqual(35);
    expect(new Set(zones.map((z) => z.type))).toEqual(new Set(['restroom', 'kitchen', 'meeting_room', 'open_office', 'entrance']));
    expect(zones.flatMap((z) => z.touchpoints).some((t) => t.kind === 'kiosk')).toBe(true);
  });
});
