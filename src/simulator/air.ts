/** Outdoor CO2, the floor indoor air settles to when a room is empty. */
export const OUTDOOR_CO2_PPM = 420;
/** How fast room air follows its occupancy: the time constant of the first-order lag. */
const LAG_SECONDS = 20 * 60;

/**
 * A room's air: CO2 moves towards a level set by how full the room is, with a lag (ventilation
 * takes a while to catch up); temperature and humidity rise a little with people.
 */
export class AirModel {
  private level: number;
  private load = 0;

  constructor(
    /** CO2 when the room is at its busiest and has been for a while. */
    private readonly peakPpm: number,
  ) {
    this.level = OUTDOOR_CO2_PPM;
  }

  get co2(): number {
    return this.level;
  }

  /** Smoothed occupancy (0–1) the other air values follow. */
  get occupancy(): number {
    return this.load;
  }

  step(seconds: number, occupancy: number): void {
    const follow = 1 - Math.exp(-seconds / LAG_SECONDS);
    const target = OUTDOOR_CO2_PPM + (this.peakPpm - OUTDOOR_CO2_PPM) * occupancy;
    this.level += (target - this.level) * follow;
    this.load += (occupancy - this.load) * follow;
  }
}
