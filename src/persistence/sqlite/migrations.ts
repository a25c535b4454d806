import type Database from 'better-sqlite3';

/**
 * The schema, as numbered steps applied in order, each in its own transaction together with its row in
 * `schema_migrations`. A released step is never edited: a change is a new step.
 *
 * Keys, aliases and tags are scoped by (account_id, region) from the first step, so that multi-Region keys
 * never need a re-keying migration. Tables are STRICT so that a wrongly typed value fails instead of being
 * stored as something else; the CHECKs mirror the port's closed types.
 */
export interface Migration {
  readonly version: number;
  readonly sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE settings (
        name  TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;

      CREATE TABLE accounts (
        account_id TEXT PRIMARY KEY,
        created_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE access_keys (
        access_key_id  TEXT PRIMARY KEY,
        account_id     TEXT NOT NULL REFERENCES accounts (account_id),
        principal_arn  TEXT NOT NULL,
        principal_type TEXT NOT NULL CHECK (principal_type IN ('Root', 'IAMUser', 'AssumedRole')),
        principal_id   TEXT NOT NULL,
        sealed_secret  BLOB NOT NULL,
        status         TEXT NOT NULL CHECK (status IN ('Active', 'Inactive')),
        created_at     INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX access_keys_by_account ON access_keys (account_id);

      CREATE TABLE keys (
        key_id                  TEXT PRIMARY KEY,
        account_id              TEXT NOT NULL,
        region                  TEXT NOT NULL,
        created_at              INTEGER NOT NULL,
        description             TEXT NOT NULL,
        key_usage               TEXT NOT NULL,
        key_spec                TEXT NOT NULL,
        origin                  TEXT NOT NULL,
        multi_region            INTEGER NOT NULL CHECK (multi_region IN (0, 1)),
        policy                  TEXT NOT NULL,
        state                   TEXT NOT NULL CHECK (state IN ('Enabled', 'Disabled', 'PendingDeletion')),
        deletion_date           INTEGER,
        pending_window_days     INTEGER,
        key_store               TEXT NOT NULL,
        current_backing_version INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX keys_by_scope ON keys (account_id, region, key_id);
      CREATE INDEX keys_pending_deletion ON keys (deletion_date, key_id) WHERE state = 'PendingDeletion';

      CREATE TABLE backing_keys (
        key_id     TEXT NOT NULL REFERENCES keys (key_id) ON DELETE CASCADE,
        version    INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        key_store  TEXT NOT NULL,
        handle     BLOB NOT NULL,
        PRIMARY KEY (key_id, version)
      ) STRICT;

      CREATE TABLE aliases (
        account_id    TEXT NOT NULL,
        region        TEXT NOT NULL,
        alias_name    TEXT NOT NULL,
        target_key_id TEXT NOT NULL REFERENCES keys (key_id) ON DELETE CASCADE,
        created_at    INTEGER NOT NULL,
        updated_at    INTEGER NOT NULL,
        PRIMARY KEY (account_id, region, alias_name)
      ) STRICT;
      CREATE INDEX aliases_by_target ON aliases (target_key_id, alias_name);

      CREATE TABLE key_tags (
        key_id    TEXT NOT NULL REFERENCES keys (key_id) ON DELETE CASCADE,
        tag_key   TEXT NOT NULL,
        tag_value TEXT NOT NULL,
        PRIMARY KEY (key_id, tag_key)
      ) STRICT;
    `,
  },
  {
    version: 2,
    // Grants carry their key's scope so that a grant row alone answers "which account and Region";
    // the token is a bearer secret, so only its SHA-256 is kept, unique so a token finds one grant.
    // operations is a JSON array of operation names, constraints a JSON object (NULL when there are none).
    sql: `
      CREATE TABLE grants (
        grant_id           TEXT PRIMARY KEY,
        account_id         TEXT NOT NULL,
        region             TEXT NOT NULL,
        key_id             TEXT NOT NULL REFERENCES keys (key_id) ON DELETE CASCADE,
        name               TEXT NULL,
        grantee_principal  TEXT NOT NULL,
        retiring_principal TEXT NULL,
        issuing_account    TEXT NOT NULL,
        operations         TEXT NOT NULL,
        constraints        TEXT NULL,
        token_hash         TEXT NOT NULL UNIQUE,
        created_at         INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX grants_by_key ON grants (key_id, grant_id);
      CREATE INDEX grants_by_retiring_principal ON grants (retiring_principal, grant_id);
      CREATE INDEX grants_by_grantee ON grants (key_id, grantee_principal);
    `,
  },
  {
    version: 3,
    // IAM users and roles. Names are unique per account whatever their case, as IAM's are, through
    // name_lower (written by the adapter, which also lists by it); the name keeps the case it was given.
    // Ids (AIDA…, AROA…) are primary keys, so they are unique across accounts and an identity's children
    // (access keys, inline policies, tags) are keyed by principal_id alone. Those children cannot reference
    // two tables, so the adapter deletes an identity's tags with it and refuses to delete one that still
    // has access keys or inline policies.
    sql: `
      CREATE TABLE iam_users (
        user_id    TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        user_name  TEXT NOT NULL,
        name_lower TEXT NOT NULL,
        path       TEXT NOT NULL,
        arn        TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        UNIQUE (account_id, name_lower)
      ) STRICT;

      CREATE TABLE iam_roles (
        role_id              TEXT PRIMARY KEY,
        account_id           TEXT NOT NULL,
        role_name            TEXT NOT NULL,
        name_lower           TEXT NOT NULL,
        path                 TEXT NOT NULL,
        arn                  TEXT NOT NULL,
        trust_policy         TEXT NOT NULL,
        description          TEXT NOT NULL,
        max_session_duration INTEGER NOT NULL,
        created_at           INTEGER NOT NULL,
        UNIQUE (account_id, name_lower)
      ) STRICT;

      CREATE TABLE iam_inline_policies (
        principal_id TEXT NOT NULL,
        policy_name  TEXT NOT NULL,
        document     TEXT NOT NULL,
        PRIMARY KEY (principal_id, policy_name)
      ) STRICT;

      CREATE TABLE iam_principal_tags (
        principal_id TEXT NOT NULL,
        tag_key      TEXT NOT NULL,
        tag_value    TEXT NOT NULL,
        PRIMARY KEY (principal_id, tag_key)
      ) STRICT;

      CREATE INDEX access_keys_by_principal ON access_keys (principal_id, created_at, access_key_id);
    `,
  },
];

/** Applies every migration newer than the schema's version; safe to run again, and from a second process. */
export function migrate(db: Database.Database, steps: readonly Migration[] = migrations): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)');
  const appliedVersion = db.prepare<[], { version: number | null }>(
    'SELECT max(version) AS version FROM schema_migrations',
  );
  const recordVersion = db.prepare<[number, number]>(
    'INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)',
  );
  for (const step of [...steps].sort((a, b) => a.version - b.version)) {
    // IMMEDIATE takes the write lock before reading the version, so two processes starting together
    // cannot both apply the same step.
    db.transaction(() => {
      if ((appliedVersion.get()?.version ?? 0) >= step.version) return;
      db.exec(step.sql);
      recordVersion.run(step.version, Date.now());
    }).immediate();
  }
}
