/** A device silent for this many of its expected intervals is offline (as the device list shows it). */
export const SILENT_INTERVALS = 3;

export interface DeviceSeen {
  zoneId: string;
  expectedIntervalS: number;
  /** Epoch ms of its last message; null when never heard from (not installed yet: it counts for nothing). */
  lastSeenAt: number | null;
}

export interface OpenDeviceIncident {
  zoneId: string;
  openedAt: number;
}

/** The moment a device went offline (epoch ms), or null while it is online or was never heard from. Pure. */
export function offlineSince(device: DeviceSeen, now: number): number | null {
  if (device.lastSeenAt === null) return null;
  const since = device.lastSeenAt + SILENT_INTERVALS * device.expectedIntervalS * 1000;
  return since < now ? since : null;
}

/**
 * What the devices of some zones say about their "device offline" incidents at `now`: a zone with a
 * device gone silent and no such incident open gets one, opened when its first device went offline;
 * a zone whose open one finds every device heard again has it resolved, at the zone's latest message
 * (the last device to come back was heard by then), never before the opening nor after now. A zone
 * with no device left (all retired) is put right too. Pure.
 */
export function deviceOfflineChanges<D extends DeviceSeen, I extends OpenDeviceIncident>(
  devices: readonly D[],
  openIncidents: readonly I[],
  now: number,
): { open: Array<{ device: D; at: number; offline: number }>; resolve: Array<{ incident: I; at: number }> } {
  const zones = new Map<string, { first?: { device: D; at: number }; offline: number; latestSeen?: number }>();
  for (const device of devices) {
    let zone = zones.get(device.zoneId);
    if (!zone) zones.set(device.zoneId, (zone = { offline: 0 }));
    if (device.lastSeenAt !== null) zone.latestSeen = Math.max(zone.latestSeen ?? device.lastSeenAt, device.lastSeenAt);
    const since = offlineSince(device, now);
    if (since === null) continue;
    zone.offline++;
    if (!zone.first || since < zone.first.at) zone.first = { device, at: since };
  }
  const openZones = new Set(openIncidents.map((i) => i.zoneId));
  const open = [...zones.entries()].flatMap(([zoneId, z]) => (z.first && !openZones.has(zoneId) ? [{ ...z.first, offline: z.offline }] : []));
  const resolve = openIncidents.flatMap((incident) => {
    const zone = zones.get(incident.zoneId);
    if (zone?.offline) return [];
    return [{ incident, at: Math.max(incident.openedAt, Math.min(now, zone?.latestSeen ?? now)) }];
  });
  return { open, resolve };
}
