import { CatalogAndAuth1763800000000 } from './1763800000000-catalog-and-auth';
import { Feedback1763900000000 } from './1763900000000-feedback';
import { Connectors1763900000001 } from './1763900000001-connectors';
import { Telemetry1764000000000 } from './1764000000000-telemetry';
import { ReadingsHourly1764000000001 } from './1764000000001-readings-hourly';
import { PseudonymKeys1764100000000 } from './1764100000000-pseudonym-keys';
import { CitusReadyKeys1764200000000 } from './1764200000000-citus-ready-keys';
import { LeaderJobRuns1764300000000 } from './1764300000000-leader-job-runs';
import { DeviceCredentials1764400000000 } from './1764400000000-device-credentials';
import { CleaningPlans1764500000000 } from './1764500000000-cleaning-plans';
import { ServiceEvents1764600000000 } from './1764600000000-service-events';
import { Incidents1764700000000 } from './1764700000000-incidents';
import { SlaFacts1764800000000 } from './1764800000000-sla-facts';
import { SlaFactsComfortUptime1764900000000 } from './1764900000000-sla-facts-comfort-uptime';
import { TaskPublications1764900000001 } from './1764900000001-task-publications';
import { SiteScopedKeys1764900000003 } from './1764900000003-site-scoped-keys';
import { ScoringRollups1765000000000 } from './1765000000000-scoring-rollups';
import { Objectives1765000000001 } from './1765000000001-objectives';
import { ZoneIntervals1765000000002 } from './1765000000002-zone-intervals';
import { DriverRollups1765000000003 } from './1765000000003-driver-rollups';
import { ScoringLookupIndexes1765000000004 } from './1765000000004-scoring-lookup-indexes';
import { ScopeRollups1765000000005 } from './1765000000005-scope-rollups';
import { CommentedRatings1765000000006 } from './1765000000006-commented-ratings';
import { PublishedFigures1765000000007 } from './1765000000007-published-figures';
import { ReportingSchema1765000000008 } from './1765000000008-reporting-schema';
import { ReportingPolicyOnce1765000000009 } from './1765000000009-reporting-policy-once';
import { Alerts1765000000010 } from './1765000000010-alerts';
import { Reports1765000000011 } from './1765000000011-reports';
import { ShareLinks1765000000012 } from './1765000000012-share-links';
import { DeviceZoneIndex1765000000013 } from './1765000000013-device-zone-index';
import { ReportMail1765000000014 } from './1765000000014-report-mail';
import { ContractLanguage1765000000015 } from './1765000000015-contract-language';
import { RollupSiteKeys1765000000016 } from './1765000000016-rollup-site-keys';
import { SparseDriverRows1765000000017 } from './1765000000017-sparse-driver-rows';
import { CatalogVersion1765000000018 } from './1765000000018-catalog-version';
import { LookbackCoveringKeys1765000000019 } from './1765000000019-lookback-covering-keys';

/** Every migration, oldest first. `npm run migration:generate` writes a file here; add its class below. */
export const MIGRATIONS = [
  CatalogAndAuth1763800000000,
  Feedback1763900000000,
  Connectors1763900000001,
  Telemetry1764000000000,
  ReadingsHourly1764000000001,
  PseudonymKeys1764100000000,
  CitusReadyKeys1764200000000,
  LeaderJobRuns1764300000000,
  DeviceCredentials1764400000000,
  CleaningPlans1764500000000,
  ServiceEvents1764600000000,
  Incidents1764700000000,
  SlaFacts1764800000000,
  SlaFactsComfortUptime1764900000000,
  TaskPublications1764900000001,
  SiteScopedKeys1764900000003,
  ScoringRollups1765000000000,
  Objectives1765000000001,
  ZoneIntervals1765000000002,
  DriverRollups1765000000003,
  ScoringLookupIndexes1765000000004,
  ScopeRollups1765000000005,
  CommentedRatings1765000000006,
  PublishedFigures1765000000007,
  ReportingSchema1765000000008,
  ReportingPolicyOnce1765000000009,
  Alerts1765000000010,
  Reports1765000000011,
  ShareLinks1765000000012,
  DeviceZoneIndex1765000000013,
  ReportMail1765000000014,
  ContractLanguage1765000000015,
  RollupSiteKeys1765000000016,
  SparseDriverRows1765000000017,
  CatalogVersion1765000000018,
  LookbackCoveringKeys1765000000019,
];
