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
-- document_id empty = unapplied (cash or write-off). A `credit` moves no money: it applies part of
-- the credit note source_document_id to the invoice document_id (registry.migrate_schema adds the
-- column and the kind to a workspace written before them). reference: the payment's label or
-- reference as the source gives it (FEC: PieceRef and EcritureLib), read by the matching suggestions.
CREATE TABLE IF NOT EXISTS settlements (
    settlement_id VARCHAR PRIMARY KEY,
    document_id   VARCHAR,
    customer_id   VARCHAR NOT NULL,
    date          DATE NOT NULL,
    amount        DECIMAL(18,2) NOT NULL CHECK (amount > 0),
    kind          VARCHAR NOT NULL CHECK (kind IN ('cash', 'writeoff', 'credit')),
    import_id     INTEGER NOT NULL DEFAULT 0,
    source_document_id VARCHAR,
    reference     VARCHAR,
    CHECK (CASE WHEN kind = 'credit' THEN source_document_id IS NOT NULL AND document_id IS NOT NULL
                ELSE source_document_id IS NULL END)
);
-- Manual matching (lettrage manuel) accepted from the suggestions (kpi/sql/queries/suggestions.sql),
-- one row per match, stored as an import of its own (import_id) so that removing that import undoes
-- it exactly. A credit note matched to an invoice is also a `credit` settlement of that import (the
-- ordinary form of an applied credit note). An unapplied payment is NOT rewritten: its stored row
-- keeps document_id empty, and the ledger reads it with the invoice of its match
-- (settlements_as_read.sql), as long as that invoice exists. So the row an import stored stays
-- that import's (re-importing its file meets the same row: no conflict), and removing the manual
-- import leaves nothing to restore but the row of this table it deletes.
CREATE TABLE IF NOT EXISTS manual_matches (
    match_id    VARCHAR PRIMARY KEY,   -- the suggestion's id: source_id:document_id
    source_kind VARCHAR NOT NULL CHECK (source_kind IN ('payment', 'credit_note')),
    source_id   VARCHAR NOT NULL,      -- an unapplied cash settlement_id, or a credit note's document_id
    document_id VARCHAR NOT NULL,      -- the invoice
    amount      DECIMAL(18,2) NOT NULL CHECK (amount > 0),
    reason      VARCHAR NOT NULL CHECK (reason IN ('same_amount', 'within_cent', 'reference')),
    import_id   INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS settings (
    key   VARCHAR PRIMARY KEY,
    value JSON NOT NULL
);
-- Optional collection-activity inputs (issue 6). Each is empty until its log is imported, and the
-- KPIs built on an empty one are null, never 0. Ids are made of the row's content by the
-- importers, so importing the same log twice adds nothing.
CREATE TABLE IF NOT EXISTS disputes (
    dispute_id    VARCHAR PRIMARY KEY,
    document_id   VARCHAR NOT NULL,
    opened_date   DATE NOT NULL,
    resolved_date DATE,                -- null = still open
    amount        DECIMAL(18,2),       -- null = the document's full amount
    reason        VARCHAR,
    import_id     INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS reminders (
    reminder_id VARCHAR PRIMARY KEY,
    customer_id VARCHAR,               -- null when the document gives it
    document_id VARCHAR,               -- null = a reminder about the customer's whole balance
    date        DATE NOT NULL,
    channel     VARCHAR NOT NULL CHECK (channel IN ('email', 'phone', 'letter', 'formal_notice', 'agency', 'legal', 'other')),
    stage       VARCHAR,               -- R1, R2, R3… as the log names it
    cost        DECIMAL(18,2),
    import_id   INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS payment_plans (
    installment_id VARCHAR PRIMARY KEY,
    plan_id        VARCHAR NOT NULL,
    customer_id    VARCHAR NOT NULL,
    due_date       DATE NOT NULL,
    amount         DECIMAL(18,2) NOT NULL CHECK (amount > 0),
    import_id      INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS collection_costs (
    cost_id   VARCHAR PRIMARY KEY,
    date      DATE NOT NULL,
    amount    DECIMAL(18,2) NOT NULL,
    category  VARCHAR NOT NULL,        -- staff, agency, legal, insurance, other
    import_id INTEGER NOT NULL DEFAULT 0
);
-- A FEC's supplier side (accounts 401), in the shapes of documents and settlements, the third party a
-- supplier: only the D441-6 table's « factures reçues » reads them, never a receivables KPI. Created
-- IF NOT EXISTS, so a workspace of an earlier release gains them empty.
CREATE TABLE IF NOT EXISTS supplier_documents (
    document_id      VARCHAR PRIMARY KEY,
    supplier_id      VARCHAR NOT NULL,
    supplier_name    VARCHAR NOT NULL,
    activity         VARCHAR NOT NULL,
    issue_date       DATE NOT NULL,
    due_date         DATE NOT NULL,
    amount           DECIMAL(18,2) NOT NULL,
    due_date_derived BOOLEAN NOT NULL DEFAULT false,
    import_id        INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS supplier_settlements (
    settlement_id VARCHAR PRIMARY KEY,
    document_id   VARCHAR,
    supplier_id   VARCHAR NOT NULL,
    date          DATE NOT NULL,
    amount        DECIMAL(18,2) NOT NULL CHECK (amount > 0),
    kind          VARCHAR NOT NULL CHECK (kind IN ('cash', 'writeoff', 'credit')),
    import_id     INTEGER NOT NULL DEFAULT 0,
    source_document_id VARCHAR,
    reference     VARCHAR
);
-- Promises to pay (issue 14, item 5): kept, broken or open, see kpi/sql/activity/promises.sql.
CREATE TABLE IF NOT EXISTS promises (
    promise_id    VARCHAR PRIMARY KEY,
    customer_id   VARCHAR NOT NULL,
    document_id   VARCHAR,             -- null = a promise on the customer's balance
    promise_date  DATE NOT NULL,       -- when the promise was made
    promised_date DATE NOT NULL,       -- when the money is promised
    amount        DECIMAL(18,2) NOT NULL CHECK (amount > 0),
    import_id     INTEGER NOT NULL DEFAULT 0
);
