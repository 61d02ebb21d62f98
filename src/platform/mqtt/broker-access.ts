import { createHash, timingSafeEqual } from 'node:crypto';

/** A device's connection as its credential allowed it: checked again when the catalog or the credential changes. */
export interface DeviceSession {
  /** `{siteKey}.{deviceKey}`. */
  username: string;
  /** Where the device may publish (see device-topics.ts). */
  topicBase: string;
  /** Stands for the credential the device connected with: a rotation changes it. */
  credential: string;
}

/** Checks device credentials against the catalog (the auth module provides it). */
export interface DeviceAuthenticator {
  /** The session a valid credential of an active device opens; undefined for anything else. */
  authenticate(username: string, secret: string): Promise<DeviceSession | undefined>;
  /**
   * Of these sessions, those no longer valid: device, zone or site retired, credential rotated, topics
   * moved. By session, not username: after a rotation, the device's new session is valid beside its old one.
   */
  stale(sessions: readonly DeviceSession[]): Promise<Set<DeviceSession>>;
}

export type DeniedAction = 'connect' | 'publish' | 'subscribe';

/** A username and password (the service's own MQTT credential). */
export interface MqttCredential {
  username: string;
  password: string;
}

/** Compares a presented credential with the expected one in constant time (both hashed, so lengths never leak). */
export function sameCredential(expected: MqttCredential, username: string, password: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return expected.username === username && timingSafeEqual(digest(expected.password), digest(password));
}
