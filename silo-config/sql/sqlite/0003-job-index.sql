-- The job index: one row per job, kept by JobGrain after each write of its state, so that lists,
-- filters, counts and pages are SQL over indexes rather than a grain holding every job.
--
--  * Times are UTC ticks (100 ns since 0001-01-01), the precision the grains keep, so a row
--    reads back exactly as the grain's summary.
--  * State is JobState's number (0 pending, 1 running, 2 completed, 3 failed, 4 cancelled).
--  * StateVersion is the grain state's version (OrleansStorage.Version) the row was made from.
--    The grain writes its state first and the row after, so a crash in between leaves the row
--    behind; at start the master re-indexes every job whose row is missing or older than its
--    state (JobIndexReconciler), and POST /api/v1/system/index/rebuild re-indexes them all.
--    A write that changes nothing the row shows (progress) does not rewrite it, so a running
--    job's row may trail its state by such writes; re-indexing it at start costs one row.
--  * ResultKey and ResultSize repeat ResultJson's object key and size for retention queries.

CREATE TABLE IF NOT EXISTS BackupdJobs
(
    Id           TEXT    NOT NULL PRIMARY KEY,
    NodeId       TEXT    NOT NULL,
    Module       TEXT    NOT NULL,
    ProviderId   TEXT    NOT NULL,
    ScheduleId   TEXT    NULL,
    Priority     INTEGER NOT NULL,
    State        INTEGER NOT NULL,
    CreatedAt    INTEGER NOT NULL,
    StartedAt    INTEGER NULL,
    EndedAt      INTEGER NULL,
    PrunedAt     INTEGER NULL,
    Error        TEXT    NULL,
    ResultKey    TEXT    NULL,
    ResultSize   INTEGER NULL,
    ResultJson   TEXT    NULL,
    StateVersion INTEGER NOT NULL
);

-- Newest first, for every filter the API takes.
CREATE INDEX IF NOT EXISTS IX_BackupdJobs_Created ON BackupdJobs (CreatedAt, Id);
CREATE INDEX IF NOT EXISTS IX_BackupdJobs_State ON BackupdJobs (State, CreatedAt, Id);
CREATE INDEX IF NOT EXISTS IX_BackupdJobs_Node ON BackupdJobs (NodeId, CreatedAt, Id);
CREATE INDEX IF NOT EXISTS IX_BackupdJobs_Schedule ON BackupdJobs (ScheduleId, State, CreatedAt, Id);
CREATE INDEX IF NOT EXISTS IX_BackupdJobs_Provider ON BackupdJobs (ProviderId, State, CreatedAt, Id);

-- A node's queue: its pending jobs in run order (higher priority first, then oldest, then id).
CREATE INDEX IF NOT EXISTS IX_BackupdJobs_Queue ON BackupdJobs (NodeId, State, Priority DESC, CreatedAt, Id);

-- What this table replaces: one grain state holding every job's summary, and per node a
-- stored list of its pending jobs.
DELETE FROM OrleansStorage WHERE GrainTypeString IN ('jobs', 'queue');
