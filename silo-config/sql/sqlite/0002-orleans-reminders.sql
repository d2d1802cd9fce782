-- Durable reminders for the master silo (Orleans ADO.NET reminder table, invariant "System.Data.SQLite").
-- Orleans ships no SQLite reminder script; these queries follow what Orleans.Reminders.AdoNet 10.4.2
-- binds and reads. Relies on OrleansQuery from 0001-orleans-persistence.sql.
--
-- Why the schema and queries look the way they do:
--  * GrainHash holds the uniform grain hash reinterpreted as a signed 32-bit integer, and @BeginHash /
--    @EndHash arrive the same way. The provider picks ReadRangeRows1Key when the range does not wrap in
--    signed order and ReadRangeRows2Key otherwise, so plain signed comparisons are correct in both.
--  * StartTime is TEXT because Microsoft.Data.Sqlite binds DateTime as "yyyy-MM-dd HH:mm:ss.FFFFFFF" text
--    and parses it back from text; the provider marks the value read back as UTC.
--  * Period is milliseconds; it may arrive as Int32 or Int64 and is read back as Int64.
--  * The provider requires exactly one row from UpsertReminderRowKey and from DeleteReminderRowKey (even
--    when nothing was deleted), so the delete reports its outcome with a separate one-column SELECT.

CREATE TABLE IF NOT EXISTS OrleansRemindersTable
(
    ServiceId    TEXT    NOT NULL,
    GrainId      TEXT    NOT NULL,
    ReminderName TEXT    NOT NULL,
    StartTime    TEXT    NOT NULL,
    Period       INTEGER NOT NULL,
    GrainHash    INTEGER NOT NULL,
    Version      INTEGER NOT NULL,  -- the reminder ETag; must stay within Int32

    CONSTRAINT PK_RemindersTable_ServiceId_GrainId_ReminderName PRIMARY KEY (ServiceId, GrainId, ReminderName)
);

-- Range scans by the reminder service partition the ring by GrainHash.
CREATE INDEX IF NOT EXISTS IX_RemindersTable_ServiceId_GrainHash ON OrleansRemindersTable (ServiceId, GrainHash);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('ReadReminderRowsKey', '
    SELECT GrainId, ReminderName, StartTime, Period, Version
    FROM OrleansRemindersTable
    WHERE ServiceId = @ServiceId
      AND GrainId = @GrainId;
');

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('ReadReminderRowKey', '
    SELECT GrainId, ReminderName, StartTime, Period, Version
    FROM OrleansRemindersTable
    WHERE ServiceId = @ServiceId
      AND GrainId = @GrainId
      AND ReminderName = @ReminderName;
');

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('ReadRangeRows1Key', '
    SELECT GrainId, ReminderName, StartTime, Period, Version
    FROM OrleansRemindersTable
    WHERE ServiceId = @ServiceId
      AND GrainHash > @BeginHash
      AND GrainHash <= @EndHash;
');

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('ReadRangeRows2Key', '
    SELECT GrainId, ReminderName, StartTime, Period, Version
    FROM OrleansRemindersTable
    WHERE ServiceId = @ServiceId
      AND (GrainHash > @BeginHash OR GrainHash <= @EndHash);
');

-- A single statement keeps insert-or-update atomic without an explicit transaction.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('UpsertReminderRowKey', '
    INSERT INTO OrleansRemindersTable (ServiceId, GrainId, ReminderName, StartTime, Period, GrainHash, Version)
    VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
    ON CONFLICT (ServiceId, GrainId, ReminderName) DO UPDATE
    SET StartTime = excluded.StartTime,
        Period = excluded.Period,
        GrainHash = excluded.GrainHash,
        Version = OrleansRemindersTable.Version + 1
    RETURNING Version;
');

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('DeleteReminderRowKey', '
    DELETE FROM OrleansRemindersTable
    WHERE ServiceId = @ServiceId
      AND GrainId = @GrainId
      AND ReminderName = @ReminderName
      AND Version = @Version;

    SELECT changes() > 0 AS Deleted;
');

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('DeleteReminderRowsKey', '
    DELETE FROM OrleansRemindersTable
    WHERE ServiceId = @ServiceId;
');
