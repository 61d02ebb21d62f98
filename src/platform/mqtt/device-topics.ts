/**
 * What a device may do on MQTT, by its place in the catalog. A device publishes under its own topics,
 * `{prefix}/{siteKey}/{zoneKey}/{deviceKey}/…`, and subscribes only to its own commands, `…/cmd/#`,
 * which the service sends it (tasks, work orders, kiosk screens). The embedded broker checks these
 * functions; Mosquitto gets the same rules as a dynamic-security role (`deviceAcls`).
 */

/** `{prefix}/{siteKey}/{zoneKey}/{deviceKey}`: the topic level under which everything of one device lives. */
export const deviceTopicBase = (prefix: string, siteKey: string, zoneKey: string, deviceKey: string): string =>
  `${prefix}/${siteKey}/${zoneKey}/${deviceKey}`;

const commandsOf = (base: string) => `${base}/cmd`;

/** A device publishes below its base, but not into its own command topics (those are the service's to send). */
export function devicePublishAllowed(base: string, topic: string): boolean {
  const commands = commandsOf(base);
  return topic.startsWith(`${base}/`) && topic !== commands && !topic.startsWith(`${commands}/`);
}

/** A device subscribes to its own commands only: `…/cmd`, `…/cmd/#` or any filter below `…/cmd/`. */
export function deviceSubscribeAllowed(base: string, filter: string): boolean {
  const commands = commandsOf(base);
  return filter === commands || filter.startsWith(`${commands}/`);
}

export interface DynsecAcl {
  acltype: 'publishClientSend' | 'publishClientReceive' | 'subscribePattern' | 'unsubscribePattern';
  topic: string;
  priority: number;
  allow: boolean;
}

/** The same rules for Mosquitto's dynamic security plugin: higher priority is checked first. */
export function deviceAcls(base: string): DynsecAcl[] {
  const commands = commandsOf(base);
  return [
    { acltype: 'publishClientSend', topic: `${commands}/#`, priority: 2, allow: false },
    { acltype: 'publishClientSend', topic: commands, priority: 2, allow: false },
    { acltype: 'publishClientSend', topic: `${base}/#`, priority: 1, allow: true },
    { acltype: 'subscribePattern', topic: `${commands}/#`, priority: 1, allow: true },
  ];
}
