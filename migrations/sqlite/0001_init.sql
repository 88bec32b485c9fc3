-- The partner portal's schema on SQLite. Timestamps are RFC 3339 text in UTC.

CREATE TABLE partners (
    partner_id  TEXT PRIMARY KEY NOT NULL,
    created_at  TEXT NOT NULL,
    disabled_at TEXT
) STRICT;

CREATE TABLE care_providers (
    url         TEXT PRIMARY KEY NOT NULL,
    name        TEXT,
    created_at  TEXT NOT NULL,
    disabled_at TEXT
) STRICT;

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'staff')),
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    disabled_at   TEXT
) STRICT;

-- Webhook header secrets and API tokens. Only the SHA-256 digest of a value is kept.
-- `label` is the header name (lower case) for a webhook secret, the token's name for a token.
CREATE TABLE credentials (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('webhook_secret', 'api_token')),
    label        TEXT NOT NULL,
    digest       BLOB NOT NULL UNIQUE,
    fingerprint  TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT
) STRICT;

CREATE INDEX credentials_active ON credentials (kind) WHERE revoked_at IS NULL;

CREATE TABLE bookings (
    id                     INTEGER PRIMARY KEY,
    partner_id             TEXT NOT NULL REFERENCES partners (partner_id),
    -- Unique across partners, so an unprefixed reference still names one booking.
    own_ref                TEXT NOT NULL UNIQUE,
    care_provider          TEXT NOT NULL,
    label                  TEXT,
    status                 TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'cancelled')),
    -- A JSON array of Kaddio's booking IDs, oldest first.
    kaddio_booking_ids     TEXT NOT NULL DEFAULT '[]',
    second_kaddio_booking  INTEGER NOT NULL DEFAULT 0,
    care_provider_mismatch INTEGER NOT NULL DEFAULT 0,
    confirmed_after_cancel INTEGER NOT NULL DEFAULT 0,
    created_at             TEXT NOT NULL,
    confirmed_at           TEXT,
    cancelled_at           TEXT
) STRICT;

CREATE INDEX bookings_by_status ON bookings (status, id);

-- Every authenticated delivery to the webhook, whatever became of it. `body` is the raw
-- request body, absent only when it was refused unread (too large, wrong content type).
CREATE TABLE deliveries (
    id            INTEGER PRIMARY KEY,
    received_at   TEXT NOT NULL,
    outcome       TEXT NOT NULL,
    http_status   INTEGER NOT NULL,
    credential_id INTEGER REFERENCES credentials (id),
    content_type  TEXT,
    body          BLOB,
    booking_id    INTEGER REFERENCES bookings (id),
    detail        TEXT
) STRICT;

CREATE INDEX deliveries_by_booking ON deliveries (booking_id) WHERE booking_id IS NOT NULL;

-- Deliveries that confirm no booking we know: Kaddio will not send them again, so staff
-- must be able to see them.
CREATE TABLE unmatched (
    id                  INTEGER PRIMARY KEY,
    delivery_id         INTEGER NOT NULL UNIQUE REFERENCES deliveries (id),
    received_at         TEXT NOT NULL,
    additional_info     TEXT,
    external_booking_id TEXT,
    care_provider       TEXT,
    reason              TEXT NOT NULL
) STRICT;
