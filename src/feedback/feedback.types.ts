import type { Language } from '../catalog/catalog.types';
import type { ExclusionReason } from './misuse-filter';
import type { IncidentCategory, Polarity } from './reasons';

/** Where a rating came in: the QR page, a kiosk page, a kiosk terminal over MQTT, or a pull connector. */
export const RATING_ORIGINS = ['qr', 'kiosk', 'mqtt', 'connector'] as const;
export type RatingOrigin = (typeof RATING_ORIGINS)[number];

/** A touchpoint is found by its printed token (pages, API) or by its key within a client (connectors). */
export type TouchpointSelector = { token: string } | { key: string; clientId: string };

export interface RatingInput {
  score: number;
  reasons?: string[];
  comment?: string;
  /** When the occupant rated; defaults to the time of arrival. */
  ts?: Date;
  /** Idempotency id made by the sender (a UUID on kiosks and pages, the source system's id for connectors). */
  id?: string;
  language?: Language;
}

export interface SubmissionContext {
  origin: RatingOrigin;
  /** Who sent it: the client address, the kiosk device or the connector. Only a daily keyed hash of it is stored. */
  source: string;
}

/** The answer to a submission; the same id again gets the same receipt. */
export interface RatingReceipt {
  id: string;
  touchpoint: string;
  score: number;
  polarity: Polarity;
  reasons: string[];
  excluded: boolean;
  excludedReason: ExclusionReason | null;
  ratedAt: string;
}

export interface FollowUpInput {
  reasons?: string[];
  comment?: string;
}

export interface IncidentInput {
  category: IncidentCategory;
  comment?: string;
  id?: string;
}
