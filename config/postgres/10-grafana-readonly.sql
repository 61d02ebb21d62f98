-- Run once by the postgres image on an empty volume (docker-compose.yml mounts this folder on
-- /docker-entrypoint-initdb.d), as the database owner (POSTGRES_USER, xla) that the service's
-- migrations run as: psql's USER and DBNAME below. Grafana's provider organisation logs in as
-- xla_grafana. Its password comes from the .env (GRAFANA_DB_PASSWORD, given to this container as
-- XLA_GRAFANA_PASSWORD).
-- The service's migrations grant it SELECT on the `reporting` schema and nothing else (migrations/
-- 1765000000008-reporting-schema.ts); each client's organisation gets a role of its own, made by the
-- service, that sees its client's rows alone.
-- (psql 15 or later, for \getenv; without the variable the CREATE ROLE below fails, and so does the init.)
\set ON_ERROR_STOP on
\getenv grafana_password XLA_GRAFANA_PASSWORD

CREATE ROLE xla_grafana LOGIN PASSWORD :'grafana_password';
-- Even a function with side effects runs in a read-only transaction for this role.
ALTER ROLE xla_grafana SET default_transaction_read_only = on;
GRANT CONNECT ON DATABASE :"DBNAME" TO xla_grafana;
