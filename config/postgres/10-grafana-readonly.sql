-- Run once by the postgres image on an empty volume (docker-compose.yml mounts this folder on
-- /docker-entrypoint-initdb.d), as the database owner (POSTGRES_USER, xla) that the service's
-- migrations run as: psql's USER and DBNAME below. Grafana logs in as xla_grafana: it may read, never
-- write. Its password comes from the .env (GRAFANA_DB_PASSWORD, given to this container as
-- XLA_GRAFANA_PASSWORD).
-- The dashboards' own role (SELECT on a `reporting` schema only) will replace this wider grant.
-- (psql 15 or later, for \getenv; without the variable the CREATE ROLE below fails, and so does the init.)
\set ON_ERROR_STOP on
\getenv grafana_password XLA_GRAFANA_PASSWORD

CREATE ROLE xla_grafana LOGIN PASSWORD :'grafana_password';
-- Even a function with side effects runs in a read-only transaction for this role.
ALTER ROLE xla_grafana SET default_transaction_read_only = on;

GRANT CONNECT ON DATABASE :"DBNAME" TO xla_grafana;
GRANT USAGE ON SCHEMA public TO xla_grafana;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO xla_grafana;
-- Tables made later by the service's migrations (as xla) are readable too.
ALTER DEFAULT PRIVILEGES FOR ROLE :"USER" IN SCHEMA public GRANT SELECT ON TABLES TO xla_grafana;
