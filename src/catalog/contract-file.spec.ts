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

  it('reads comfort thresholds over the defaults, and points a bad one at its path and line', () => {
    const withComfort = (yaml: string) => `${MINIMAL}comfort:\n${yaml}`;
    expect(parseContractFile('contracts/acme.yaml', MINIMAL).spec.comfort).toEqual({ co2Max: 1000, temperature: [20, 24] });
    expect(parseContractFile('contracts/acme.yaml', withComfort('  co2Max: 900\n')).spec.comfort).toEqual({ co2Max: 900, temperature: [20, 24] });
    expect(parseContractFile('contracts/acme.yaml', withComfort('  temperature: [21, 23.5]\n')).spec.comfort).toEqual({ co2Max: 1000, temperature: [21, 23.5] });
    expect(problemsOf(withComfort('  co2Max: 900\n  temperature: [24, 20]\n'))).toEqual(['contracts/acme.yaml:32: comfort.temperature: expected the minimum below the maximum, like [20, 24]']);
    expect(problemsOf(withComfort('  co2Max: lots\n'))).toEqual(['contracts/acme.yaml:31: comfort.co2Max: expected ppm (a number)']);
    expect(problemsOf(withComfort('  humidity: [30, 60]\n'))).toEqual([expect.stringMatching(/^contracts\/acme\.yaml:31: comfort: Unrecognized key: "humidity"/)]);
  });

  describe('objectives', () => {
    // MINIMAL has 29 lines: `objectives:` is line 30, the first objective's key line 31.
    const withObjectives = (yaml: string) => `${MINIMAL}objectives:\n${yaml}`;
    const csat = (fields = '') => `  - key: restroom-csat\n    kind: xla\n    indicator: csat\n    target: 0.85\n${fields}`;

    it('reads objectives as INDICATORS.md states them, with defaults for window, scope, minSample and weight', () => {
      const sut = parseContractFile(
        'contracts/acme.yaml',
        withObjectives(
          `${csat('    window: rolling_28d\n    scope: { zoneTypes: [restroom], sites: [acme-hq] }\n    minSample: 50\n    weight: 2\n')}` +
            '  - { key: cleaning, kind: sla, indicator: cleaning_on_time, target: 0.95 }\n' +
            '  - { key: happiness, kind: xla, indicator: happiness, target: -20, window: calendar_week }\n' +
            '  - { key: comfort, kind: xla, indicator: comfort, target: 1, weight: 0.5 }\n',
        ),
      );
      expect(sut.spec.objectives).toEqual([
        { key: 'restroom-csat', kind: 'xla', indicator: 'csat', target: 0.85, window: 'rolling_28d', scope: { zoneTypes: ['restroom'], sites: ['acme-hq'] }, minSample: 50, weight: 2 },
        { key: 'cleaning', kind: 'sla', indicator: 'cleaning_on_time', target: 0.95, window: 'calendar_month', scope: {}, minSample: 30, weight: 1 },
        { key: 'happiness', kind: 'xla', indicator: 'happiness', target: -20, window: 'calendar_week', scope: {}, minSample: 30, weight: 1 },
        { key: 'comfort', kind: 'xla', indicator: 'comfort', target: 1, window: 'calendar_month', scope: {}, minSample: 600, weight: 0.5 },
      ]);
      expect(parseContractFile('contracts/acme.yaml', MINIMAL).spec.objectives).toEqual([]);
    });

    it('points an unknown indicator at its path and line', () => {
      expect(problemsOf(withObjectives(csat().replace('indicator: csat', 'indicator: nps')))).toEqual([
        'contracts/acme.yaml:33: objectives.0.indicator: expected one of csat, negative_rate, happiness, happy_index, participation, cleaning_on_time, ' +
          'incident_response, incident_resolution, consumables_available, comfort, device_uptime, inspection_score',
      ]);
    });

    it.each([
      ['csat', '85', 'csat takes a share from 0 to 1, like 0.9; got 85'],
      ['csat', '-0.1', 'csat takes a share from 0 to 1, like 0.9; got -0.1'],
      ['negative_rate', '1.5', 'negative_rate takes a share from 0 to 1, like 0.1; got 1.5'],
      ['happiness', '101', 'happiness takes points from -100 to 100, like 40; got 101'],
      ['happy_index', '-1', 'happy_index takes points from 0 to 100, like 75; got -1'],
      ['participation', '-2', 'participation takes ratings per 100 visitors, 0 or more, like 2; got -2'],
      ['inspection_score', '100.5', 'inspection_score takes points from 0 to 100, like 75; got 100.5'],
    ])('points a %s target of %s out of range at its line', (indicator, target, message) => {
      const yaml = csat().replace('indicator: csat', `indicator: ${indicator}`).replace('target: 0.85', `target: ${target}`);
      expect(problemsOf(withObjectives(yaml))).toEqual([`contracts/acme.yaml:34: objectives.0.target: ${message}`]);
    });

    it('accepts targets on the bounds of their range', () => {
      const yaml = ['csat: 0', 'negative_rate: 1', 'happiness: -100', 'happy_index: 100', 'participation: 250', 'inspection_score: 0']
        .map((pair, i) => {
          const [indicator, target] = pair.split(': ');
          return `  - { key: o-${i}, kind: xla, indicator: ${indicator}, target: ${target} }\n`;
        })
        .join('');
      expect(parseContractFile('contracts/acme.yaml', withObjectives(yaml)).spec.objectives.map((o) => o.target)).toEqual([0, 1, -100, 100, 250, 0]);
    });

    it('points a scope site of another contract, or of none, at its line', () => {
      expect(problemsOf(withObjectives(csat('    scope:\n      sites:\n        - acme-hq\n        - beta-hq\n')))).toEqual([
        'contracts/acme.yaml:38: objectives.0.scope.sites.1: "beta-hq" is not a site of this contract (acme-hq)',
      ]);
    });

    it('points a scope that covers no zone of the contract at its line', () => {
      expect(problemsOf(withObjectives(csat('    scope: { zoneTypes: [kitchen] }\n')))).toEqual(['contracts/acme.yaml:35: objectives.0.scope: covers no zone of this contract']);
    });

    it('points an objective key used twice at the second one', () => {
      expect(problemsOf(withObjectives(`${csat()}${csat().replace('target: 0.85', 'target: 0.9')}`))).toEqual([
        'contracts/acme.yaml:35: objectives.1.key: "restroom-csat" is used twice as an objective key',
      ]);
    });

    it('keeps objectives on ratings experience-level: an sla on csat is refused', () => {
      expect(problemsOf(withObjectives(csat().replace('kind: xla', 'kind: sla')))).toEqual(['contracts/acme.yaml:32: objectives.0.kind: csat is measured from ratings, so its objective is an xla']);
    });

    it.each([
      ['    window: monthly\n', 'contracts/acme.yaml:35: objectives.0.window: expected one of calendar_month, calendar_week, rolling_7d, rolling_28d, rolling_30d'],
      ['    minSample: 0\n', 'contracts/acme.yaml:35: objectives.0.minSample: expected at least 1'],
      ['    minSample: 2.5\n', 'contracts/acme.yaml:35: objectives.0.minSample: expected a whole number'],
      ['    weight: 0\n', 'contracts/acme.yaml:35: objectives.0.weight: expected a weight above 0'],
      ['    scope: { zoneTypes: [bathroom] }\n', 'contracts/acme.yaml:35: objectives.0.scope.zoneTypes.0: expected zone types from restroom, kitchen, meeting_room, open_office, entrance, other'],
      ['    scope: { zoneTypes: [] }\n', 'contracts/acme.yaml:35: objectives.0.scope.zoneTypes: expected at least one zone type'],
      ['    scope: { zones: [wc-1] }\n', 'contracts/acme.yaml:35: objectives.0.scope: Unrecognized key: "zones"'],
    ])('points a bad field at its path and line (%s)', (fields, message) => {
      expect(problemsOf(withObjectives(csat(fields)))).toEqual([message]);
    });

    it('points a missing kind at its objective', () => {
      expect(problemsOf(withObjectives(csat().replace('    kind: xla\n', '')))).toEqual([expect.stringMatching(/^contracts\/acme\.yaml:31: objectives\.0\.kind: expected one of xla, sla/)]);
    });
  });

  describe('alerts', () => {
    const withAlerts = (yaml: string) => `${MINIMAL}alerts:\n${yaml}`;

    it('reads rules over their defaults, overrides and recipients, one channel each', () => {
      const { alerts } = parseContractFile(
        'contracts/acme.yaml',
        withAlerts(`  rules:
    negative_feedback: { burstCount: 4, allHours: true }
  overrides:
    - { zoneTypes: [restroom], rules: { negative_feedback: { escalateMinutes: 10 } } }
  recipients:
    - { key: team, sites: [acme-hq], mqtt: true }
    - { key: boss, level: 1, email: boss@acme.example }
    - { key: chat, webhook: { url: "https://hooks.example.com/x", secretEnv: ALERT_CHAT_SECRET, format: slack } }
`),
      ).spec;
      expect(alerts.rules).toEqual({ negative_feedback: { burstCount: 4, allHours: true } });
      expect(alerts.overrides).toEqual([{ zoneTypes: ['restroom'], rules: { negative_feedback: { escalateMinutes: 10 } } }]);
      expect(alerts.recipients).toEqual([
        { key: 'team', level: 0, sites: ['acme-hq'], channel: { mqtt: true } },
        { key: 'boss', level: 1, channel: { email: 'boss@acme.example' } },
        { key: 'chat', level: 0, channel: { webhook: { url: 'https://hooks.example.com/x', secretEnv: 'ALERT_CHAT_SECRET', format: 'slack' } } },
      ]);
      expect(parseContractFile('contracts/acme.yaml', MINIMAL).spec.alerts).toEqual({ rules: {}, overrides: [], recipients: [] });
    });

    it('points an unknown rule, a foreign site, two channels, a secret in another variable and a bad address at their lines', () => {
      const problems = problemsOf(
        withAlerts(`  rules:
    paging: { burstCount: 2 }
  recipients:
    - { key: team, sites: [beta-hq], mqtt: true }
    - { key: both, mqtt: true, email: a@acme.example }
    - { key: hook, webhook: { url: "https://x.example/h", secretEnv: DATABASE_URL } }
    - { key: mail, email: not-an-address }
`),
      );
      expect(problems).toEqual([
        'contracts/acme.yaml:32: alerts.rules: Unrecognized key: "paging"',
        expect.stringMatching(/^contracts\/acme\.yaml:\d+: alerts\.recipients\.1: expected exactly one channel/),
        expect.stringMatching(/^contracts\/acme\.yaml:\d+: alerts\.recipients\.2\.webhook\.secretEnv: expected an environment variable name starting with ALERT_/),
        expect.stringMatching(/^contracts\/acme\.yaml:\d+: alerts\.recipients\.3\.email: expected an e-mail address/),
      ]);
      expect(problemsOf(withAlerts(`  recipients:\n    - { key: team, sites: [beta-hq], mqtt: true }\n`))).toEqual([
        expect.stringMatching(/^contracts\/acme\.yaml:\d+: alerts\.recipients\.0\.sites\.0: "beta-hq" is not a site of this contract \(acme-hq\)/),
      ]);
    });
  });

  it('takes the language a contract states, and points an unknown one at its line', () => {
    expect(parseContractFile('contracts/acme.yaml', MINIMAL.replace('  name: Acme FM', '  name: Acme FM\n  language: fi')).spec.contract.language).toBe('fi');
    expect(parseContractFile('contracts/acme.yaml', MINIMAL).spec.contract.language).toBeUndefined();
    expect(problemsOf(MINIMAL.replace('  name: Acme FM', '  name: Acme FM\n  language: xx'))).toEqual([expect.stringMatching(/^contracts\/acme\.yaml:\d+: contract\.language: expected one of sv, da, nb, fi, en, de/)]);
  });

  it('takes the monthly report\'s recipients, and points a bad address at its line', () => {
    expect(parseContractFile('contracts/acme.yaml', `${MINIMAL}reports:\n  recipients: [fm@acme.example, account@polar.example]\n`).spec.reports).toEqual({ recipients: ['fm@acme.example', 'account@polar.example'] });
    expect(parseContractFile('contracts/acme.yaml', MINIMAL).spec.reports).toEqual({ recipients: [] });
    expect(problemsOf(`${MINIMAL}reports:\n  recipients:\n    - fm@acme.example\n    - not an address\n`)).toEqual([
      expect.stringMatching(/^contracts\/acme\.yaml:\d+: reports\.recipients\.1: expected an e-mail address/),
    ]);
    expect(problemsOf(`${MINIMAL}reports:\n  to: [fm@acme.example]\n`)).toEqual([expect.stringMatching(/^contracts\/acme\.yaml:\d+: reports: Unrecognized key: "to"/)]);
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

  it('gives the demo contract XLA and SLA objectives on the indicators issue 13 names', () => {
    const [demo] = loadContractDirectory(join(__dirname, '..', '..', 'config', 'contracts'));
    const indicators = new Set(demo.spec.objectives.map((o) => o.indicator));
    for (const indicator of ['csat', 'negative_rate', 'happiness', 'cleaning_on_time', 'incident_response', 'consumables_available', 'comfort']) {
      expect(indicators).toContain(indicator);
    }
    expect(new Set(demo.spec.objectives.map((o) => o.kind))).toEqual(new Set(['xla', 'sla']));
  });
});
