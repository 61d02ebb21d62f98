import { attainmentOf, experienceIndex, watermelonOf, watermelons, type ObjectiveOutcome } from './composite';
import { countRatings } from './indicators';
import type { Status } from './status';

const xla = (key: string, status: Status, weight?: number): ObjectiveOutcome => ({ key, kind: 'xla', status, weight });
const sla = (key: string, status: Status, weight?: number): ObjectiveOutcome => ({ key, kind: 'sla', status, weight });

describe(attainmentOf.name, () => {
  it('is the weighted share of met objectives, leaving out and listing those with insufficient data', () => {
    const outcomes = [xla('restroom-csat', 'met', 2), xla('negative-rate', 'breached'), xla('happiness', 'at_risk'), xla('kitchen-csat', 'insufficient_data', 5), sla('cleaning', 'met')];
    const sut = attainmentOf('xla', outcomes);
    expect(sut).toEqual({
      kind: 'xla',
      value: 0.5,
      metWeight: 2,
      countedWeight: 4,
      met: ['restroom-csat'],
      notMet: ['negative-rate', 'happiness'],
      insufficientData: ['kitchen-csat'],
    });
  });

  it('has no value when no objective of the kind has data', () => {
    expect(attainmentOf('sla', [sla('cleaning', 'insufficient_data'), xla('csat', 'met')])).toMatchObject({ value: null, insufficientData: ['cleaning'] });
  });
});

describe(watermelonOf.name, () => {
  it('finds a site whose SLAs with data are all met while an XLA is breached, naming both sides', () => {
    const outcomes = [
      sla('cleaning-on-time', 'met'),
      sla('incident-response', 'met'),
      sla('consumables', 'insufficient_data'),
      xla('restroom-csat', 'breached'),
      xla('happiness', 'met'),
    ];
    expect(watermelonOf('sto-hq', outcomes)).toEqual({ siteKey: 'sto-hq', breachedXla: ['restroom-csat'], metSla: ['cleaning-on-time', 'incident-response'] });
  });

  it('is not one when an SLA is at risk, when no XLA is breached, or when no SLA has data', () => {
    expect(watermelonOf('a', [sla('cleaning', 'at_risk'), xla('csat', 'breached')])).toBeNull();
    expect(watermelonOf('b', [sla('cleaning', 'met'), xla('csat', 'at_risk')])).toBeNull();
    expect(watermelonOf('c', [sla('cleaning', 'insufficient_data'), xla('csat', 'breached')])).toBeNull();
  });

  it('lists only the watermelon sites of a contract', () => {
    const sut = watermelons([
      { siteKey: 'sto-hq', outcomes: [sla('cleaning', 'met'), xla('csat', 'breached')] },
      { siteKey: 'osl-1', outcomes: [sla('cleaning', 'breached'), xla('csat', 'breached')] },
    ]);
    expect(sut.map((w) => w.siteKey)).toEqual(['sto-hq']);
  });
});

describe(experienceIndex.name, () => {
  it('is the happy index over all counted ratings of the scope, with n, across scales', () => {
    const sut = experienceIndex(
      countRatings([
        { scale: 'smiley4', score: 4 },
        { scale: 'smiley5', score: 3 },
        { scale: 'nps11', score: 7 },
        { scale: 'nps11', score: 0, excludedReason: 'burst' },
      ]),
    );
    expect(sut).toMatchObject({ indicator: 'happy_index', numerator: 220, denominator: 3, sample: 3, excluded: { total: 1 } });
    expect(sut.value).toBeCloseTo(220 / 3, 12);
  });
});
