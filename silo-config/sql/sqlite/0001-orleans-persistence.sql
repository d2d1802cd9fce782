-- Grain state storage for the master silo (Orleans ADO.NET grain storage, invariant "System.Data.SQLite").
--
-- Orleans executes only the SQL stored in OrleansQuery, so this file is the storage contract:
-- parameter names, result column names and result shapes below are what Orleans.Persistence.AdoNet 10.4.2
-- binds and reads. Change them only together with the provider version.
--
-- Why the statements look the way they do:
--  * The provider does not open a transaction around a query and Microsoft.Data.Sqlite runs each statement
--    of a multi-statement command in autocommit mode, so every state change is one self-contained statement
--    (optimistic-concurrency check and write in the same UPDATE/INSERT/DELETE) and reports its outcome with
--    RETURNING (SQLite >= 3.35).
--  * The provider reads every result set and then takes at most one row; a stale ETag must therefore yield
--    either no row or the version the caller sent, never a new version.
--  * Grains are located through the narrow hash index first; the clear-text key columns then rule out hash
--    collisions. "IS" is the NULL-safe equality of SQLite, needed because GrainIdExtensionString is NULL for
--    integer/GUID keys without an extension.
--  * Clearing keeps the row (payload NULL, version bumped) so a later write by any activation still has to
--    present the latest version. DeleteStorageKey is only used when DeleteStateOnClear is enabled.

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  TEXT PRIMARY KEY,
    QueryText TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS OrleansStorage
(
    GrainIdHash            INTEGER NOT NULL,  -- signed 32-bit hash of the grain id (+ extension)
    GrainIdN0              INTEGER NOT NULL,
    GrainIdN1              INTEGER NOT NULL,
    GrainTypeHash          INTEGER NOT NULL,  -- signed 32-bit hash of GrainTypeString
    GrainTypeString        TEXT    NOT NULL,
    GrainIdExtensionString TEXT    NULL,
    ServiceId              TEXT    NOT NULL,
    PayloadBinary          BLOB    NULL,      -- NULL after a clear: the provider then reports RecordExists = false
    ModifiedOn             TEXT    NOT NULL,  -- UTC, for operators only; the provider never reads it
    Version                INTEGER NOT NULL   -- the grain ETag; must stay within Int32
);

CREATE INDEX IF NOT EXISTS IX_OrleansStorage ON OrleansStorage (GrainIdHash, GrainTypeHash);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('ReadFromStorageKey', '
    SELECT PayloadBinary, Version
    FROM OrleansStorage
    WHERE GrainIdHash = @GrainIdHash
      AND GrainTypeHash = @GrainTypeHash
      AND GrainIdN0 = @GrainIdN0
      AND GrainIdN1 = @GrainIdN1
      AND GrainTypeString = @GrainTypeString
      AND GrainIdExtensionString IS @GrainIdExtensionString
      AND ServiceId = @ServiceId
    LIMIT 1;
');

-- First write (no ETag) inserts version 1 unless some row already exists; later writes must match the
-- stored version. Only one of the two data statements can apply for a given @GrainStateVersion, so the
-- trailing SELECT sees the change count of the UPDATE and echoes the stale ETag back as the conflict signal.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('WriteToStorageKey', '
    INSERT INTO OrleansStorage
        (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString, GrainIdExtensionString,
         ServiceId, PayloadBinary, ModifiedOn, Version)
    SELECT @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString, @GrainIdExtensionString,
           @ServiceId, @PayloadBinary, strftime(''%Y-%m-%d %H:%M:%f'', ''now''), 1
    WHERE @GrainStateVersion IS NULL
      AND NOT EXISTS
      (
          SELECT 1
          FROM OrleansStorage
          WHERE GrainIdHash = @GrainIdHash
            AND GrainTypeHash = @GrainTypeHash
            AND GrainIdN0 = @GrainIdN0
            AND GrainIdN1 = @GrainIdN1
            AND GrainTypeString = @GrainTypeString
            AND GrainIdExtensionString IS @GrainIdExtensionString
            AND ServiceId = @ServiceId
      )
    RETURNING Version AS NewGrainStateVersion;

    UPDATE OrleansStorage
    SET PayloadBinary = @PayloadBinary,
        ModifiedOn = strftime(''%Y-%m-%d %H:%M:%f'', ''now''),
        Version = Version + 1
    WHERE GrainIdHash = @GrainIdHash
      AND GrainTypeHash = @GrainTypeHash
      AND GrainIdN0 = @GrainIdN0
      AND GrainIdN1 = @GrainIdN1
      AND GrainTypeString = @GrainTypeString
      AND GrainIdExtensionString IS @GrainIdExtensionString
      AND ServiceId = @ServiceId
      AND Version = @GrainStateVersion
    RETURNING Version AS NewGrainStateVersion;

    SELECT @GrainStateVersion AS NewGrainStateVersion
    WHERE @GrainStateVersion IS NOT NULL
      AND changes() = 0;
');

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('ClearStorageKey', '
    UPDATE OrleansStorage
    SET PayloadBinary = NULL,
        ModifiedOn = strftime(''%Y-%m-%d %H:%M:%f'', ''now''),
        Version = Version + 1
    WHERE GrainIdHash = @GrainIdHash
      AND GrainTypeHash = @GrainTypeHash
      AND GrainIdN0 = @GrainIdN0
      AND GrainIdN1 = @GrainIdN1
      AND GrainTypeString = @GrainTypeString
      AND GrainIdExtensionString IS @GrainIdExtensionString
      AND ServiceId = @ServiceId
      AND Version = @GrainStateVersion
    RETURNING Version AS NewGrainStateVersion;

    SELECT @GrainStateVersion AS NewGrainStateVersion
    WHERE @GrainStateVersion IS NOT NULL
      AND changes() = 0;
');

-- The provider only checks that the returned value differs from the ETag and then forgets the ETag,
-- so the next version number of the deleted row serves as the success marker.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('DeleteStorageKey', '
    DELETE FROM OrleansStorage
    WHERE GrainIdHash = @GrainIdHash
      AND GrainTypeHash = @GrainTypeHash
      AND GrainIdN0 = @GrainIdN0
      AND GrainIdN1 = @GrainIdN1
      AND GrainTypeString = @GrainTypeString
      AND GrainIdExtensionString IS @GrainIdExtensionString
      AND ServiceId = @ServiceId
      AND Version = @GrainStateVersion
    RETURNING Version + 1 AS NewGrainStateVersion;

    SELECT @GrainStateVersion AS NewGrainStateVersion
    WHERE @GrainStateVersion IS NOT NULL
      AND changes() = 0;
');
