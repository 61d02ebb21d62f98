/**
 * What a device may do on MQTT, by its place in the catalog. A device publishes under its own topics,
 * `{prefix}/{siteKey}/{zoneKey}/{deviceKey}/…`, and subscribes to its own commands, `…/cmd/#`, which the
 * service sends it (work orders, kiosk screens), and to the cleaning tasks of its own site,
 * `{prefix}/{siteKey}/+/tasks` (a cleaner's handheld), which only the service publishes. The embedded
 * broker checks these functions; Mosquitto gets the same rules as a dynamic-security role (`deviceAcls`).
 */

/** `{prefix}/{siteKey}/{zoneKey}/{deviceKey}`: the topic level under which everything of one device lives. */
export const deviceTopicBase = (prefix: string, siteKey: string, zoneKey: string, deviceKey: string): string =>
  `${prefix}/${siteKey}/${zoneKey}/${deviceKey}`;

const commandsOf = (base: string) => `${base}/cmd`;
/** `{prefix}/{siteKey}`: the base without its zone and device levels (keys are single topic levels). */
const siteOf = (base: string) => base.split('/').slice(0, -2).join('/');
const TASKS = 'tasks';

/** A device publishes below its base, but not into its own command topics (those are the service's to send). */
export function devicePublishAllowed(base: string, topic: string): boolean {
  const commands = commandsOf(base);
  return topic.startsWith(`${base}/`) && topic !== commands && !topic.startsWith(`${commands}/`);
}

/**
 * A device subscribes to its own commands (`…/cmd`, `…/cmd/#` or any filter below `…/cmd/`) and to its
 * site's tasks: `{prefix}/{siteKey}/+/tasks` or one zone's `{prefix}/{siteKey}/{zoneKey}/tasks`.
 */
export function deviceSubscribeAllowed(base: string, filter: string): boolean {
  const commands = commandsOf(base);
  return filter === commands || filter.startsWith(`${commands}/`) || siteTasksFilter(siteOf(base), filter);
}

function siteTasksFilter(site: string, filter: string): boolean {
  if (!filter.startsWith(`${site}/`)) return false;
  const levels = filter.slice(site.length + 1).split('/');
  return levels.length === 2 && levels[1] === TASKS && (levels[0] === '+' || (levels[0] !== '' && !/[+#]/.test(levels[0])));
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
    // `${base}/#` also matches the base itself, which for a device keyed `tasks` is its zone's tasks topic.
    { acltype: 'publishClientSend', topic: `${siteOf(base)}/+/${TASKS}`, priority: 2, allow: false },
    { acltype: 'publishClientSend', topic: `${base}/#`, priority: 1, allow: true },
    { acltype: 'subscribePattern', topic: `${commands}/#`, priority: 1, allow: true },
    // A pattern ACL: `+` here grants the filter `…/+/tasks` and each zone's own.
    { acltype: 'subscribePattern', topic: `${siteOf(base)}/+/${TASKS}`, priority: 1, allow: true },
  ];
}
