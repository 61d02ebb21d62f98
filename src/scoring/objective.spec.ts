import { attainmentOf, watermelonOf } from './composite';
import { countsOf, type Counts } from './indicators';
import { scoreObjective, type ObjectiveSpec } from './objective';

const restroomCsat: ObjectiveSpec = { key: 'restroom-csat', kind: 'xla', indicator: 'csat', target: 0.9, minSample: 30, weight: 2 };
const cleaning: ObjectiveSpec = { key: 'cleaning-on-time', kind: 'sla', indicator: 'cleaning_on_time', target: 0.95, minSample: 20 };

/** Rating counts with `bad` non-positive ratings. */
const rated = (n: number, bad: number): Counts => countsOf({ rated: n, positive: n - bad, negative: bad });

describe(scoreObjective.name, () => {
  it('reports figure, target, budget and status window to date', () => {
    const sut = scoreObjective({ objective: restroomCsat, counts: rated(200, 10), windowHours: 720 });
    expect(sut).toMatchObject({ key: 'restroom-csat', kind: 'xla', weight: 2, target: 0.9, status: 'met', burn: [] });
    expect(sut.figure).toMatchObject({ value: 0.95, numerator: 190, denominator: 200, sample: 200 });
    expect(sut.budget?.remaining).toBeCloseTo(0.5, 12);
  });

  it('turns at risk when the fast burn fires although half the budget is left', () => {
    const lookbacks = new Map([
      [1, rated(10, 8)],
      [6, rated(60, 40)],
      [72, rated(100, 40)],
    ]);
    const sut = scoreObjective({ objective: restroomCsat, counts: rated(800, 40), windowHours: 720, lookbacks });
    expect(sut.burn.map((a) => [a.name, a.fires])).toEqual([
      ['fast', true],
      ['slow', true],
    ]);
    expect(sut.status).toBe('at_risk');
  });

  it('low traffic: insufficient_data, never breached, and its burn conditions do not fire', () => {
    const lookbacks = new Map([
      [1, rated(10, 10)],
      [6, rated(20, 20)],
      [72, rated(29, 29)],
    ]);
    const sut = scoreObjective({ objective: restroomCsat, counts: rated(29, 29), windowHours: 720, lookbacks });
    expect(sut.status).toBe('insufficient_data');
    expect(sut.burn.some((a) => a.fires)).toBe(false);
    expect(sut.figure.sample).toBe(29);
  });

  it('value objectives have no budget and no burn', () => {
    const happiness: ObjectiveSpec = { key: 'happiness', kind: 'xla', indicator: 'happiness', target: 40, minSample: 30 };
    const sut = scoreObjective({ objective: happiness, counts: countsOf({ rated: 100, positive: 70, negative: 20 }), windowHours: 720, lookbacks: new Map() });
    expect(sut).toMatchObject({ status: 'met', budget: null, burn: [] });
  });

  it('feeds attainment and watermelons: cleaning on time, occupants unhappy', () => {
    const outcomes = [
      scoreObjective({ objective: cleaning, counts: countsOf({ tasksDue: 300, tasksOnTime: 298 }), windowHours: 720 }),
      scoreObjective({ objective: restroomCsat, counts: rated(120, 40), windowHours: 720 }),
    ];
    expect(outcomes.map((o) => o.status)).toEqual(['met', 'breached']);
    expect(watermelonOf('sto-hq', outcomes)).toEqual({ siteKey: 'sto-hq', breachedXla: ['restroom-csat'], metSla: ['cleaning-on-time'] });
    expect([attainmentOf('sla', outcomes).value, attainmentOf('xla', outcomes).value]).toEqual([1, 0]);
  });
});
