-- Index rows of nodes, storage providers and schedules, kept by their grains after each write
-- of their state, as BackupdJobs is for jobs (0003-job-index.sql): lists and the in-use checks
-- read these tables instead of activating every grain.
--
--  * Times are UTC ticks; Status is NodeStatus's stored number (0 pending, 1 active,
--    2 disabled, 4 deleted; "expired" is a pending row whose ExpiresAt has passed, worked out
--    when read). Deleted nodes keep their row, as they keep their state, and no list shows it.
--  * StateVersion is the version of the grain state the row was made from: at start the master
--    re-indexes every entity whose row is missing, older than its state, or without state.
--  * Document is the entity's summary as JSON, for the columns a list shows but never filters on.
--  * LastSeenAt is written at most every 30 s per node (a heartbeat comes every 15 s), so a
--    list shows a node online within the 90 s window without a write per heartbeat.

CREATE TABLE IF NOT EXISTS BackupdNodes
(
    Id           TEXT    NOT NULL PRIMARY KEY,
    Hostname     TEXT    NOT NULL,
    Status       INTEGER NOT NULL,
    RegisteredAt INTEGER NOT NULL,
    ExpiresAt    INTEGER NOT NULL,
    LastSeenAt   INTEGER NULL,
    Document     TEXT    NOT NULL,
    StateVersion INTEGER NOT NULL
);

CREATE INDEX IF NOT EXISTS IX_BackupdNodes_Status ON BackupdNodes (Status, RegisteredAt, Id);

CREATE TABLE IF NOT EXISTS BackupdProviders
(
    Id           TEXT    NOT NULL PRIMARY KEY,
    Name         TEXT    NOT NULL,
    Type         TEXT    NOT NULL,
    CreatedAt    INTEGER NOT NULL,
    Document     TEXT    NOT NULL,
    StateVersion INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS BackupdSchedules
(
    Id             TEXT    NOT NULL PRIMARY KEY,
    Name           TEXT    NOT NULL,
    NodeId         TEXT    NOT NULL,
    ProviderId     TEXT    NOT NULL,
    Module         TEXT    NOT NULL,
    Enabled        INTEGER NOT NULL,
    CreatedAt      INTEGER NOT NULL,
    LastDueHandled INTEGER NOT NULL,
    LastJobId      TEXT    NULL,
    Document       TEXT    NOT NULL,
    StateVersion   INTEGER NOT NULL
);

CREATE INDEX IF NOT EXISTS IX_BackupdSchedules_Provider ON BackupdSchedules (ProviderId);
CREATE INDEX IF NOT EXISTS IX_BackupdSchedules_Node ON BackupdSchedules (NodeId);

-- Job-history retention: ended jobs, oldest first.
CREATE INDEX IF NOT EXISTS IX_BackupdJobs_Ended ON BackupdJobs (EndedAt) WHERE EndedAt IS NOT NULL;

-- What these tables replace: per kind, one grain state listing every id. The entities' own
-- state stays; the master re-indexes it at its next start.
DELETE FROM OrleansStorage WHERE GrainTypeString = 'directory';
