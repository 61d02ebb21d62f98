import { tickOf } from './leader-job';

describe('tickOf', () => {
  it('names a tick by the start of its period, whenever in the period an instance fires', () => {
    expect(tickOf(new Date('2030-03-10T01:00:00.004Z'), 86_400_000)).toEqual(new Date('2030-03-10T00:00:00Z'));
    expect(tickOf(new Date('2030-03-10T23:59:59.999Z'), 86_400_000)).toEqual(new Date('2030-03-10T00:00:00Z'));
    expect(tickOf(new Date('2030-03-10T12:34:00.020Z'), 60_000)).toEqual(new Date('2030-03-10T12:34:00Z'));
  });
});
