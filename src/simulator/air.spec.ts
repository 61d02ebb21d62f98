import { AirModel, OUTDOOR_CO2_PPM } from './air';

describe(AirModel.name, () => {
  it('rises with occupancy, with a lag, and falls back when the room empties', () => {
    const sut = new AirModel(1400);
    expect(sut.co2).toBe(OUTDOOR_CO2_PPM);
    sut.step(5 * 60, 1);
    expect(sut.co2).toBeGreaterThan(OUTDOOR_CO2_PPM);
    expect(sut.co2).toBeLessThan(OUTDOOR_CO2_PPM + (1400 - OUTDOOR_CO2_PPM) / 2); // five minutes in: not there yet
    for (let i = 0; i < 24; i++) sut.step(5 * 60, 1);
    expect(sut.co2).toBeGreaterThan(1350);
    const busy = sut.co2;
    sut.step(10 * 60, 0);
    expect(sut.co2).toBeLessThan(busy);
    expect(sut.co2).toBeGreaterThan(900); // still stale air ten minutes after everyone left
  });

  it('goes higher the fuller the room', () => {
    const half = new AirModel(1400);
    const full = new AirModel(1400);
    for (let i = 0; i < 12; i++) {
      half.step(600, 0.5);
      full.step(600, 1);
    }
    expect(full.co2).toBeGreaterThan(half.co2 + 300);
  });
});
