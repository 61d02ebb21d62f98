import type { KnownDevice } from '../telemetry/telemetry.repository';
import { netEffect, type Transition } from './sensor-incidents.service';

const device: KnownDevice = { id: 'd', clientId: 'c', siteId: 's', zoneId: 'z', signals: [] };
const change = (state: 'bad' | 'good', at: number): Transition => ({ device, signal: 'soap_level', category: 'out_of_supplies', state, at: new Date(at) });
const times = (e: ReturnType<typeof netEffect>) => ({
  open: e.open?.at.getTime(),
  resolve: e.resolve?.at.getTime(),
  closed: e.closed.map(([a, b]) => [a.at.getTime(), b.at.getTime()]),
  openAtEnd: e.openAtEnd?.at.getTime(),
});

describe(netEffect.name, () => {
  it.each([
    ['one opening', [change('bad', 1)], { open: 1, resolve: undefined, closed: [], openAtEnd: undefined }],
    ['one resolution', [change('good', 1)], { open: undefined, resolve: 1, closed: [], openAtEnd: undefined }],
    ['opened and put right', [change('bad', 1), change('good', 2)], { open: 1, resolve: 2, closed: [], openAtEnd: undefined }],
    [
      'a flapping sensor: the open one resolved, two incidents in between, one left open',
      [change('good', 1), change('bad', 2), change('good', 3), change('bad', 4), change('good', 5), change('bad', 6)],
      { open: undefined, resolve: 1, closed: [[2, 3], [4, 5]], openAtEnd: 6 },
    ],
    ['two dispensers empty one after the other: one incident', [change('bad', 1), change('bad', 2), change('good', 3)], { open: 1, resolve: 3, closed: [], openAtEnd: undefined }],
  ])('%s', (_name, changes, expected) => {
    expect(times(netEffect(changes))).toEqual(expected);
  });
});
