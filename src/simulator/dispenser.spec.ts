import { Bin, Dispenser, EMPTY_ABOVE, NO_REFILL_ON_TROLLEY, TOP_UP_BELOW } from './dispenser';
import { Prng } from './prng';
import { SiteModel } from './site-model';
import { siteFactory } from './test-sites';

describe(Dispenser.name, () => {
  it('falls with visits, goes low, then empty, and is full again after a refill', () => {
    const prng = new Prng(1);
    const sut = new Dispenser(100, 0.5);
    sut.use(100, prng);
    expect(sut.level).toBeLessThan(75);
    expect(sut.level).toBeGreaterThan(25);
    expect(sut.state).toBe('ok');
    while (sut.state === 'ok') sut.use(1, prng);
    expect(sut.state).toBe('low');
    sut.use(1_000, prng);
    expect(sut).toMatchObject({ level: 0, state: 'empty' });
    sut.refill();
    expect(sut).toMatchObject({ level: 100, state: 'ok' });
  });

  /** A trolley that always has a refill (the generator's draw says so), or never. */
  const trolley = (hasRefill: boolean) => ({ chance: () => !hasRefill }) as unknown as Prng;

  it('is topped up at a visit only when below half, and says whether it was', () => {
    const sut = new Dispenser(TOP_UP_BELOW + 1, 0.5);
    expect(sut.topUp(trolley(true))).toBe(false);
    expect(sut.level).toBe(TOP_UP_BELOW + 1);
    sut.use(10, new Prng(1));
    expect(sut.topUp(trolley(true))).toBe(true);
    expect(sut.level).toBe(100);
  });

  it('is left as it is when the trolley has no refill, about one visit in eight, so it may run out before the next', () => {
    const sut = new Dispenser(30, 0.5);
    expect(sut.topUp(trolley(false))).toBe(false);
    expect(sut.level).toBe(30);
    const prng = new Prng(7);
    let missed = 0;
    for (let i = 0; i < 10_000; i++) if (!new Dispenser(30, 0.5).topUp(prng)) missed++;
    expect(NO_REFILL_ON_TROLLEY).toBe(0.12);
    expect(missed / 10_000).toBeCloseTo(NO_REFILL_ON_TROLLEY, 2);
  });

  it('does not change without visits', () => {
    const sut = new Dispenser(60, 0.5);
    sut.use(0, new Prng(1));
    expect(sut.level).toBe(60);
  });
});

describe(Bin.name, () => {
  it('fills with visits up to 100 % and is emptied', () => {
    const prng = new Prng(2);
    const sut = new Bin(0, 0.5);
    sut.use(1_000, prng);
    expect(sut).toMatchObject({ fill: 100, full: true });
    sut.empty();
    expect(sut).toMatchObject({ fill: 0, full: false });
  });

  it('is emptied at a visit only when a quarter full or more, and says whether it was', () => {
    const sut = new Bin(EMPTY_ABOVE - 1, 0.5);
    expect(sut.emptyIfUsed()).toBe(false);
    expect(sut.fill).toBe(EMPTY_ABOVE - 1);
    sut.use(10, new Prng(1));
    expect(sut.emptyIfUsed()).toBe(true);
    expect(sut.fill).toBe(0);
  });
});

describe(`${SiteModel.name} dispensers`, () => {
  it('tops up low soap at a check-in of its zone and says so with a refill event on the dispenser, as the level rises', () => {
    const spec = siteFactory({ timeZone: 'Europe/Stockholm' });
    const sut = new SiteModel(spec, new Prng(3), new Date('2026-11-18T06:00:00Z'));
    const restroom = spec.zones.findIndex((z) => z.type === 'restroom');
    const soapDevice = spec.zones[restroom].devices.find((d) => d.signals.includes('soap_level'))!;
    const tagDevice = spec.zones[restroom].devices.find((d) => d.signals.includes('cleaning_checkin'))!;

    let before = sut.read(restroom, soapDevice, 'soap_level');
    let refills = 0;
    let checkInsWithoutRefill = 0;
    let falls = 0;
    // Step a working Wednesday minute by minute; watch each check-in of this restroom.
    for (let t = Date.parse('2026-11-18T06:01:00Z'); t <= Date.parse('2026-11-18T18:00:00Z'); t += 60_000) {
      const events = sut.advance(new Date(t));
      const level = sut.read(restroom, soapDevice, 'soap_level');
      const checkedIn = events.some((e) => e.signal === 'cleaning_checkin' && e.deviceKey === tagDevice.key);
      const refill = events.find((e) => e.deviceKey === soapDevice.key && e.kind === 'refill');
      if (refill) {
        refills++;
        expect(checkedIn).toBe(true);
        expect(refill.payload).toMatchObject({ kind: 'refill', consumable: 'soap', tag: expect.stringMatching(/^cleaner-/) });
        // Low before, refilled at the check-in; a visitor or two in the same minute may have used a little since.
        expect(before).toBeLessThan(TOP_UP_BELOW + 2);
        expect(level).toBeGreaterThanOrEqual(98);
      } else {
        if (checkedIn) checkInsWithoutRefill++;
        expect(level).toBeLessThanOrEqual(before);
        if (level < before) falls++;
      }
      before = level;
    }
    expect(refills).toBeGreaterThanOrEqual(1);
    expect(checkInsWithoutRefill).toBeGreaterThanOrEqual(1);
    expect(falls).toBeGreaterThan(20);
  });
});
