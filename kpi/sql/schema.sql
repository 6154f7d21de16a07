-- label: Tables canoniques / Canonical tables
-- formula: KPI-SPEC §1 — documents and settlements, money as exact DECIMAL(18,2)
-- unit: —
CREATE TABLE IF NOT EXISTS imports (
    import_id     INTEGER PRIMARY KEY,
    imported_at   TIMESTAMP NOT NULL,
    sources       VARCHAR[] NOT NULL,
    fingerprint   VARCHAR NOT NULL UNIQUE,  -- same files again = same import: re-importing is idempotent
    documents     BIGINT NOT NULL,
    settlements   BIGINT NOT NULL,
    documents_total   DECIMAL(18,2) NOT NULL,
    settlements_total DECIMAL(18,2) NOT NULL,
    report        JSON
);
CREATE TABLE IF NOT EXISTS documents (
    document_id      VARCHAR PRIMARY KEY,
    customer_id      VARCHAR NOT NULL,
    customer_name    VARCHAR NOT NULL,
    activity         VARCHAR NOT NULL,
    issue_date       DATE NOT NULL,
    due_date         DATE NOT NULL,
    amount           DECIMAL(18,2) NOT NULL,
    due_date_derived BOOLEAN NOT NULL DEFAULT false,
    import_id        INTEGER NOT NULL DEFAULT 0,
    -- Derived, kept by document_status.sql after every write: from this day on the document's
    -- outstanding is zero for good. Lets open_items.sql skip settled documents without a join.
    open_until       DATE NOT NULL DEFAULT DATE '9999-12-31'
);
CREATE TABLE IF NOT EXISTS settlements (
    settlement_id VARCHAR PRIMARY KEY,
    document_id   VARCHAR,
    customer_id   VARCHAR NOT NULL,
    date          DATE NOT NULL,
    amount        DECIMAL(18,2) NOT NULL CHECK (amount > 0),
    kind          VARCHAR NOT NULL CHECK (kind IN ('cash', 'writeoff')),
    import_id     INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS settings (
    key   VARCHAR PRIMARY KEY,
    value JSON NOT NULL
);
