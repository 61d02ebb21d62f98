import { REPORTABLE_INCIDENT_CATEGORIES, ZONE_TYPES } from '../catalog/catalog.types';
import { drawProblems, EMPTY_REPORT_PROBABILITY, FAULTS, VISITS_PER_FAULT } from './problems';
import { Prng } from './prng';

describe(drawProblems.name, () => {
  it('draws nothing, not even randomness, without visitors', () => {
    const sut = new Prng(5);
    expect(drawProblems(sut, { type: 'restroom', visits: 0, dispenserEmpty: true })).toEqual([]);
    expect(sut.next()).toBe(new Prng(5).next());
  });

  it('has a few in a hundred visitors who find a dispenser empty report it as out of supplies', () => {
    const prng = new Prng(11);
    const reports = Array.from({ length: 100 }, () => drawProblems(prng, { type: 'restroom', visits: 10, dispenserEmpty: true })).flat();
    const out = reports.filter((c) => c === 'out_of_supplies').length;
    expect(EMPTY_REPORT_PROBABILITY).toBe(0.04);
    // 1,000 visitors: 40 expected.
    expect(out).toBeGreaterThanOrEqual(25);
    expect(out).toBeLessThanOrEqual(55);
  });

  it("reports faults of the zone's kind at a low rate, and nothing about supplies while they last", () => {
    const prng = new Prng(12);
    const reports = Array.from({ length: 3_000 }, () => drawProblems(prng, { type: 'meeting_room', visits: 10, dispenserEmpty: false })).flat();
    // 30,000 visits: 20 faults expected.
    expect(VISITS_PER_FAULT).toBe(1_500);
    expect(reports.length).toBeGreaterThanOrEqual(8);
    expect(reports.length).toBeLessThanOrEqual(35);
    expect(new Set(reports)).toEqual(new Set(['temperature', 'lighting', 'broken_fixture']));
  });

  it('offers only what an occupant can report, for every kind of zone', () => {
    for (const type of ZONE_TYPES) {
      expect(FAULTS[type].length).toBeGreaterThan(0);
      for (const [category, weight] of FAULTS[type]) {
        expect(REPORTABLE_INCIDENT_CATEGORIES).toContain(category);
        expect(weight).toBeGreaterThan(0);
      }
    }
  });

  it('repeats with the seed', () => {
    const draw = (seed: number) => {
      const prng = new Prng(seed);
      return Array.from({ length: 500 }, () => drawProblems(prng, { type: 'restroom', visits: 20, dispenserEmpty: false }));
    };
    expect(draw(3)).toEqual(draw(3));
    expect(draw(3)).not.toEqual(draw(4));
  });
});
