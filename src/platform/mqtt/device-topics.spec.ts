import { deviceAcls, devicePublishAllowed, deviceSubscribeAllowed, deviceTopicBase } from './device-topics';

describe('device topics', () => {
  const base = deviceTopicBase('xla/v1', 'hq', '1f-restroom', 'soap-1');

  it.each([
    ['xla/v1/hq/1f-restroom/soap-1/soap_level', true],
    ['xla/v1/hq/1f-restroom/soap-1/rating', true],
    ['xla/v1/hq/1f-restroom/soap-1/a/b/c', true],
    // Another device, another zone, a device whose key starts the same, the base itself.
    ['xla/v1/hq/1f-restroom/soap-2/soap_level', false],
    ['xla/v1/hq/2f-restroom/soap-1/soap_level', false],
    ['xla/v1/hq/1f-restroom/soap-10/soap_level', false],
    ['xla/v1/hq/1f-restroom/soap-1', false],
    ['other/hq/1f-restroom/soap-1/soap_level', false],
    // Its own commands are the service's to send.
    ['xla/v1/hq/1f-restroom/soap-1/cmd', false],
    ['xla/v1/hq/1f-restroom/soap-1/cmd/refill', false],
    // Tasks are the service's to send, even to a device keyed "tasks".
    ['xla/v1/hq/1f-restroom/tasks', false],
    ['xla/v1/hq/2f-restroom/tasks', false],
  ])('publish %s: %s', (topic, allowed) => {
    expect(devicePublishAllowed(base, topic)).toBe(allowed);
  });

  it.each([
    ['xla/v1/hq/1f-restroom/soap-1/cmd/#', true],
    ['xla/v1/hq/1f-restroom/soap-1/cmd', true],
    ['xla/v1/hq/1f-restroom/soap-1/cmd/+/ack', true],
    ['xla/v1/hq/1f-restroom/soap-2/cmd/#', false],
    ['xla/v1/hq/1f-restroom/soap-1/#', false],
    ['xla/v1/hq/1f-restroom/+/cmd/#', false],
    ['xla/v1/#', false],
    ['#', false],
    ['$share/g/xla/v1/hq/1f-restroom/soap-1/cmd/#', false],
    ['xla/v1/hq/1f-restroom/soap-1/cmdx', false],
    // The cleaning tasks of its own site: every zone's, or one zone's, any zone of the site.
    ['xla/v1/hq/+/tasks', true],
    ['xla/v1/hq/1f-restroom/tasks', true],
    ['xla/v1/hq/kitchen-2/tasks', true],
    // Never another site's, nor anything else under the site or a wider filter.
    ['xla/v1/branch/+/tasks', false],
    ['xla/v1/branch/1f-restroom/tasks', false],
    ['xla/v1/+/+/tasks', false],
    ['xla/v1/hq/#', false],
    ['xla/v1/hq/+/#', false],
    ['xla/v1/hq/1f-restroom/tasks/#', false],
    ['xla/v1/hq/1f-restroom/+', false],
    ['xla/v1/hq/#/tasks', false],
    ['xla/v1/hq/1f-restroom+/tasks', false],
    ['xla/v1/hq//tasks', false],
    ['xla/v1/hq/alerts', false],
    ['xla/v1/hqx/+/tasks', false],
    ['$share/g/xla/v1/hq/+/tasks', false],
  ])('subscribe %s: %s', (filter, allowed) => {
    expect(deviceSubscribeAllowed(base, filter)).toBe(allowed);
  });

  it("gives Mosquitto the same rules: its own topics, its own commands and its site's tasks, no publishing into them", () => {
    expect(deviceAcls(base)).toEqual([
      { acltype: 'publishClientSend', topic: `${base}/cmd/#`, priority: 2, allow: false },
      { acltype: 'publishClientSend', topic: `${base}/cmd`, priority: 2, allow: false },
      { acltype: 'publishClientSend', topic: 'xla/v1/hq/+/tasks', priority: 2, allow: false },
      { acltype: 'publishClientSend', topic: `${base}/#`, priority: 1, allow: true },
      { acltype: 'subscribePattern', topic: `${base}/cmd/#`, priority: 1, allow: true },
      { acltype: 'subscribePattern', topic: 'xla/v1/hq/+/tasks', priority: 1, allow: true },
    ]);
  });
});
