import { deviceOfflineChanges, offlineSince, SILENT_INTERVALS, type DeviceSeen } from './device-offline';

const MIN = 60_000;
const NOW = Date.parse('2026-12-01T10:00:00Z');
const device = (zoneId: string, intervalMin: number, lastSeenMinAgo: number | null, key = `${zoneId}-${intervalMin}`): DeviceSeen & { key: string } => ({
  key,
  zoneId,
  expectedIntervalS: intervalMin * 60,
  lastSeenAt: lastSeenMinAgo === null ? null : NOW - lastSeenMinAgo * MIN,
});
const incident = (zoneId: string, openedMinAgo: number) => ({ zoneId, clientId: `client-of-${zoneId}`, openedAt: NOW - openedMinAgo * MIN });

describe(offlineSince.name, () => {
  it('is offline once silent for more than three expected intervals, from the moment the third one ended', () => {
    expect(SILENT_INTERVALS).toBe(3);
    expect(offlineSince(device('z', 15, 45), NOW)).toBeNull();
    expect(offlineSince(device('z', 15, 45), NOW + 1)).toBe(NOW);
    expect(offlineSince(device('z', 15, 60), NOW)).toBe(NOW - 15 * MIN);
  });

  it('never calls a device offline that was never heard from: it is not installed yet', () => {
    expect(offlineSince(device('z', 1, null), NOW + 365 * 86_400_000)).toBeNull();
  });
});

describe(deviceOfflineChanges.name, () => {
  it('opens one incident per zone, when its first device went silent, whatever the number of silent devices', () => {
    const soap = device('restroom', 15, 50, 'soap');
    const counter = device('restroom', 5, 40, 'counter');
    const { open, resolve } = deviceOfflineChanges([soap, counter, device('restroom', 60, 10), device('kitchen', 15, 5)], [], NOW);
    expect(open).toEqual([{ device: counter, at: NOW - 25 * MIN, offline: 2 }]);
    expect(resolve).toEqual([]);
  });

  it('opens nothing for devices never heard from, nor for a zone whose incident is already open', () => {
    expect(deviceOfflineChanges([device('new-wing', 5, null), device('restroom', 15, 50)], [incident('restroom', 5)], NOW)).toEqual({ open: [], resolve: [] });
  });

  it('keeps the incident open while one device of the zone is still silent', () => {
    const changes = deviceOfflineChanges([device('restroom', 15, 1), device('restroom', 5, 16)], [incident('restroom', 10)], NOW);
    expect(changes).toEqual({ open: [], resolve: [] });
  });

  it("resolves it when every device is heard again, at the zone's latest message, ignoring devices never heard from", () => {
    const open = incident('restroom', 30);
    const changes = deviceOfflineChanges([device('restroom', 15, 3), device('restroom', 5, 1), device('restroom', 5, null)], [open], NOW);
    expect(changes).toEqual({ open: [], resolve: [{ incident: open, at: NOW - 1 * MIN }] });
  });

  it('resolves it no earlier than its opening, and at once when the zone has no device left (retired)', () => {
    // Opened through the API a minute ago while the devices were fine.
    const early = incident('restroom', 1);
    const gone = incident('kitchen', 30);
    expect(deviceOfflineChanges([device('restroom', 15, 10)], [early, gone], NOW).resolve).toEqual([
      { incident: early, at: NOW - 1 * MIN },
      { incident: gone, at: NOW },
    ]);
  });

  it('opens the incident again for a device that goes silent after one was put right', () => {
    const soap = device('restroom', 15, 46);
    const first = deviceOfflineChanges([soap], [], NOW);
    expect(first.open).toEqual([{ device: soap, at: NOW - 1 * MIN, offline: 1 }]);
    const heard = { ...soap, lastSeenAt: NOW + 2 * MIN };
    expect(deviceOfflineChanges([heard], [incident('restroom', 1)], NOW + 3 * MIN).resolve).toEqual([{ incident: incident('restroom', 1), at: NOW + 2 * MIN }]);
    expect(deviceOfflineChanges([heard], [], NOW + 48 * MIN).open).toEqual([{ device: heard, at: NOW + 47 * MIN, offline: 1 }]);
  });
});
