import type { AlertingPolicy } from '../catalog/catalog.types';
import { DEFAULT_RULES, lowestScore, recipientsFor, settingsFor, topLevel } from './alert-rules';
import { subjectOf, webhookBody, type AlertFacts } from './messages';
import { alerts } from './negative-feedback';

const policy: AlertingPolicy = {
  rules: { negative_feedback: { burstCount: 5 } },
  overrides: [
    { zoneTypes: ['restroom'], rules: { negative_feedback: { burstCount: 2, allHours: true } } },
    { sites: ['sto-hq'], zoneTypes: ['kitchen'], rules: { negative_feedback: { enabled: false } } },
  ],
  recipients: [
    { key: 'sto-team', level: 0, sites: ['sto-hq'], channel: { mqtt: true } },
    { key: 'all-managers', level: 1, channel: { email: 'fm@example.com' } },
    { key: 'burn-only', level: 0, rules: ['burn_rate'], channel: { webhook: { url: 'https://example.com/h', format: 'json' } } },
  ],
};

describe('alert rule settings', () => {
  it('layers the defaults, the contract and each override that covers the place', () => {
    expect(settingsFor(undefined, 'negative_feedback', {})).toEqual(DEFAULT_RULES.negative_feedback);
    expect(settingsFor(policy, 'negative_feedback', { siteKey: 'osl', zoneType: 'kitchen' }).burstCount).toBe(5);
    expect(settingsFor(policy, 'negative_feedback', { siteKey: 'osl', zoneType: 'restroom' })).toMatchObject({ burstCount: 2, allHours: true, burstMinutes: 15 });
    expect(settingsFor(policy, 'negative_feedback', { siteKey: 'sto-hq', zoneType: 'kitchen' }).enabled).toBe(false);
    expect(settingsFor(policy, 'burn_rate', { siteKey: 'sto-hq', zoneType: 'restroom' })).toEqual(DEFAULT_RULES.burn_rate);
  });

  it('sends an alert to the recipients of its rule, site and level; escalates no higher than the top level', () => {
    expect(recipientsFor(policy, 'negative_feedback', 'sto-hq', 0).map((r) => r.key)).toEqual(['sto-team']);
    expect(recipientsFor(policy, 'negative_feedback', 'osl', 0)).toEqual([]);
    expect(recipientsFor(policy, 'burn_rate', undefined, 0).map((r) => r.key)).toEqual(['burn-only']);
    expect(recipientsFor(policy, 'negative_feedback', 'osl', 1).map((r) => r.key)).toEqual(['all-managers']);
    expect(topLevel(policy, 'negative_feedback', 'sto-hq')).toBe(1);
    expect(topLevel({ rules: {}, overrides: [], recipients: [] }, 'negative_feedback', 'sto-hq')).toBe(0);
  });

  it('alerts on one lowest-score rating with a reason, or on a burst', () => {
    expect(lowestScore('smiley5')).toBe(1);
    expect(lowestScore('nps11')).toBe(0);
    expect(alerts(true, 1, 3)).toEqual({ alert: true, burst: false });
    expect(alerts(false, 2, 3)).toEqual({ alert: false, burst: false });
    expect(alerts(false, 3, 3)).toEqual({ alert: true, burst: true });
  });
});

describe('alert messages', () => {
  const facts: AlertFacts = {
    id: 'a1',
    rule: 'negative_feedback',
    severity: 'warning',
    contract: 'aurora',
    site: { key: 'sto-hq', name: 'Stockholm HQ' },
    zone: { key: '3f-wc', name: 'Toalett plan 3' },
    detail: { reasons: ['no_soap'] },
    count: 4,
    openedAt: '2026-12-02T08:00:00.000Z',
    lastSeenAt: '2026-12-02T08:05:00.000Z',
  };

  it('speaks the site\'s language, and says what happened', () => {
    expect(subjectOf(facts, 'opened', 'sv')).toBe('Negativ feedback i Toalett plan 3, Stockholm HQ');
    expect(subjectOf(facts, 'opened', 'en')).toBe('Negative feedback in Toalett plan 3, Stockholm HQ');
    expect(subjectOf(facts, 'reminder', 'de')).toBe('Erinnerung: Negatives Feedback in Toalett plan 3, Stockholm HQ');
    expect(subjectOf(facts, 'escalated', 'fi')).toMatch(/^Eskaloitu: /);
    expect(subjectOf({ ...facts, rule: 'burn_rate', detail: { objective: 'restroom-csat' } }, 'opened', 'nb')).toBe('Målet restroom-csat bruker raskt av feilbudsjettet');
  });

  it('shapes Slack and Teams payloads as their incoming webhooks take them', () => {
    expect(webhookBody('slack', 'd1', facts, 'opened', 'da')).toMatchObject({ text: 'Negativ feedback i Toalett plan 3, Stockholm HQ', blocks: [{ type: 'section' }] });
    const teams = webhookBody('teams', 'd1', facts, 'opened', 'en') as { attachments: Array<{ contentType: string; content: { body: Array<{ text: string }> } }> };
    expect(teams.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(teams.attachments[0].content.body[0].text).toBe('Negative feedback in Toalett plan 3, Stockholm HQ');
    expect(webhookBody('json', 'd1', facts, 'opened', 'en')).toMatchObject({ id: 'd1', kind: 'opened', alert: { count: 4, zone: { key: '3f-wc' } } });
  });
});
