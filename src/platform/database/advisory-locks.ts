/**
 * Every PostgreSQL advisory-lock key of the service, in one place so no two uses collide. A plain
 * key is one bigint; a lock class is the first half of a two-int key whose second half is
 * hashtext(name) (a connector's id, a job's name).
 */
export const ADVISORY_LOCKS = {
  /** Session lock while migrations run at start-up. */
  migrations: 4_711_000,
  /** Transaction lock while a contract file is synced into the catalog. */
  contractsSync: 4_711_001,
  /** Lock class: one run of a connector at a time, per connector id. */
  connectorRun: 4_711_002,
  /** Transaction lock while a readings partition is created. */
  partitions: 4_711_003,
  /** Lock class: one leader per scheduled job, per job name. */
  leaderJob: 4_711_004,
  /** Transaction lock while the clients' reporting roles are made: grants on the database collide. */
  reportingRoles: 4_711_005,
  /**
   * Lock class: one recomputation of a client's SLA facts at a time, per client id. Two catch-ups of
   * the same zone-day (the job's and a caller's) each deleted the hours they found different and both
   * inserted the hours missing: the second insert broke the primary key.
   */
  slaFacts: 4_711_006,
} as const;
