import { sensorState } from './sensor-rules';

describe(sensorState.name, () => {
  it.each([
    ['soap_level', 9.9, 'bad', 'out_of_supplies'],
    ['soap_level', 10, undefined, undefined],
    ['soap_level', 19.9, undefined, undefined],
    ['soap_level', 20, 'good', 'out_of_supplies'],
    ['paper_level', 3, 'bad', 'out_of_supplies'],
    ['bin_fill', 91, 'bad', 'out_of_supplies'],
    ['bin_fill', 80, undefined, undefined],
    ['bin_fill', 75, 'good', 'out_of_supplies'],
    ['leak', 1, 'bad', 'leak'],
    ['leak', 0, 'good', 'leak'],
    ['co2', 5_000, undefined, undefined],
  ])('%s at %p is %p (%p)', (signal, value, state, category) => {
    const found = sensorState(signal, value);
    expect(found?.state).toBe(state);
    expect(found?.rule.category).toBe(category);
  });
});
