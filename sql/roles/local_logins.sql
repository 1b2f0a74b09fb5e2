-- Local development and test logins, one per group role of migration 0004, for a server that trusts
-- 127.0.0.1 (no passwords: never run this on a shared server; there, create logins with passwords or
-- certificates, each a member of exactly one group role). Idempotent; needs CREATEROLE.
DO $$
DECLARE pair text[];
BEGIN
    FOREACH pair SLICE 1 IN ARRAY ARRAY[['linewatch_owner_login', 'linewatch_owner'],
                                        ['linewatch_pipeline_login', 'linewatch_pipeline'],
                                        ['linewatch_analyst_login', 'linewatch_analyst']] LOOP
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = pair[2]) THEN
            RAISE EXCEPTION 'role % is missing: run the migrations (linewatch db upgrade) first', pair[2];
        END IF;
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = pair[1]) THEN
            EXECUTE format('CREATE ROLE %I LOGIN', pair[1]);
        END IF;
        IF NOT pg_has_role(pair[1], pair[2], 'MEMBER') THEN
            EXECUTE format('GRANT %I TO %I', pair[2], pair[1]);
        END IF;
    END LOOP;
END $$
