import GRDB

/// The booking tables: accounts, seat holds, taken seats, bookings, tickets and idempotency keys.
enum BookingSchema {
    /// Adds migrations "v2-booking", "v3-owed-refunds", "v4-reviews-sessions-premium",
    /// "v5-claim-expiry-payment-intents" and "v6-revocation-times" after the catalogue's;
    /// `CatalogueStore.migrator()` calls it.
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v2-booking") { db in
            try db.execute(sql: v2)
        }
        migrator.registerMigration("v3-owed-refunds") { db in
            try db.execute(sql: v3)
        }
        migrator.registerMigration("v4-reviews-sessions-premium") { db in
            try db.execute(sql: v4)
        }
        migrator.registerMigration("v5-claim-expiry-payment-intents") { db in
            try db.execute(sql: v5)
        }
        migrator.registerMigration("v6-revocation-times") { db in
            try db.execute(sql: v6)
        }
    }

    /// When each token was signed out, so a server can read the sign-outs since its last look
    /// (those of other servers on the same database) instead of all of them. Older rows read as 0:
    /// the first look, from 0, takes them in.
    static let v6 = """
        ALTER TABLE revoked_tokens ADD COLUMN revoked_at INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX revoked_tokens_by_time ON revoked_tokens (revoked_at);
        """

    /// A hold's claims carry its expiry, so a new hold takes over an expired claim in the statement
    /// that makes it (no reaper needed for correctness); and payment intents, written before a
    /// card is charged, so that no crash leaves a charge without a booking or a refund.
    static let v5 = """
        ALTER TABLE seat_claims ADD COLUMN expires_at INTEGER;
        UPDATE seat_claims SET expires_at = (SELECT h.expires_at FROM holds h WHERE h.id = seat_claims.hold_id)
        WHERE hold_id IS NOT NULL;

        CREATE TABLE payment_intents (
            id TEXT NOT NULL PRIMARY KEY CHECK (id <> ''),  -- also the processor's idempotency key
            user_id INTEGER NOT NULL REFERENCES users (id),
            hold_id TEXT NOT NULL REFERENCES holds (id),
            showtime_id INTEGER NOT NULL REFERENCES showtimes (id),
            booking_code TEXT NOT NULL UNIQUE,
            subtotal_cents INTEGER NOT NULL CHECK (subtotal_cents >= 0),
            fees_cents INTEGER NOT NULL CHECK (fees_cents >= 0),
            tax_cents INTEGER NOT NULL CHECK (tax_cents >= 0),
            total_cents INTEGER NOT NULL CHECK (total_cents = subtotal_cents + fees_cents + tax_cents),
            card_brand TEXT NOT NULL,
            card_last4 TEXT NOT NULL CHECK (length(card_last4) = 4),
            tickets TEXT NOT NULL,                          -- JSON: seat, label, type, cents
            idempotency_key TEXT,
            request_digest TEXT,
            created_at INTEGER NOT NULL,
            settle_after INTEGER NOT NULL,
            CHECK ((idempotency_key IS NULL) = (request_digest IS NULL))
        ) WITHOUT ROWID;
        -- One unsettled purchase per idempotency key, across restarts and nodes.
        CREATE UNIQUE INDEX payment_intents_by_key ON payment_intents (user_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
        CREATE INDEX payment_intents_by_settle_after ON payment_intents (settle_after);
        """

    /// Ratings and reviews, signed-out tokens, premium seat prices, and "my holds".
    ///
    /// Showtimes priced before this migration keep their prices: their premium seats cost nothing
    /// extra (0), so nobody's price changes under them; the catalogue generator prices new ones.
    static let v4 = """
        ALTER TABLE showtimes ADD COLUMN price_premium_extra INTEGER NOT NULL DEFAULT 0 CHECK (price_premium_extra >= 0);

        -- One rating per user per movie; the review text is optional.
        CREATE TABLE reviews (
            user_id INTEGER NOT NULL REFERENCES users (id),
            movie_id INTEGER NOT NULL REFERENCES movies (id),
            stars INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
            review TEXT NOT NULL CHECK (length(review) <= 2000),
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL CHECK (updated_at >= created_at),
            PRIMARY KEY (user_id, movie_id)
        ) WITHOUT ROWID;
        -- A movie's reviews, newest edit first.
        CREATE INDEX reviews_by_movie ON reviews (movie_id, updated_at);

        -- Each movie's star total and count, kept by triggers so a search reads its average in one lookup.
        CREATE TABLE movie_ratings (
            movie_id INTEGER NOT NULL PRIMARY KEY REFERENCES movies (id),
            star_total INTEGER NOT NULL CHECK (star_total >= 0),
            rating_count INTEGER NOT NULL CHECK (rating_count >= 0)
        );
        CREATE TRIGGER reviews_rating_insert AFTER INSERT ON reviews BEGIN
            INSERT INTO movie_ratings (movie_id, star_total, rating_count) VALUES (new.movie_id, new.stars, 1)
            ON CONFLICT (movie_id) DO UPDATE SET star_total = star_total + new.stars, rating_count = rating_count + 1;
        END;
        CREATE TRIGGER reviews_rating_update AFTER UPDATE OF stars ON reviews BEGIN
            UPDATE movie_ratings SET star_total = star_total - old.stars + new.stars WHERE movie_id = new.movie_id;
        END;
        CREATE TRIGGER reviews_rating_delete AFTER DELETE ON reviews BEGIN
            UPDATE movie_ratings SET star_total = star_total - old.stars, rating_count = rating_count - 1 WHERE movie_id = old.movie_id;
        END;

        -- Tokens signed out before they expired, by their nonce; forgotten once they would have expired anyway.
        CREATE TABLE revoked_tokens (
            token_id TEXT NOT NULL PRIMARY KEY CHECK (token_id <> ''),
            user_id INTEGER NOT NULL REFERENCES users (id),
            expires_at INTEGER NOT NULL
        ) WITHOUT ROWID;

        -- "My holds": a user's live holds.
        CREATE INDEX holds_live_by_user ON holds (user_id) WHERE state = 'live';
        """

    /// Refunds the processor did not take when a booking failed after its charge: kept until retried.
    static let v3 = """
        CREATE TABLE owed_refunds (
            charge_ref TEXT NOT NULL PRIMARY KEY CHECK (charge_ref <> ''),
            amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
            user_id INTEGER NOT NULL REFERENCES users (id),
            reason TEXT NOT NULL,
            owed_since INTEGER NOT NULL
        ) WITHOUT ROWID;
        """

    /// Instants are unix milliseconds (UTC); money is integer cents.
    static let v2 = """
        CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            email TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (email <> ''),
            name TEXT NOT NULL,
            password_hash TEXT NOT NULL CHECK (password_hash <> ''),
            created_at INTEGER NOT NULL
        );

        CREATE TABLE holds (
            id TEXT NOT NULL PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users (id),
            showtime_id INTEGER NOT NULL REFERENCES showtimes (id) ON DELETE CASCADE,
            seats TEXT NOT NULL CHECK (seats <> ''),     -- comma-separated seat indices
            expires_at INTEGER NOT NULL,
            state TEXT NOT NULL DEFAULT 'live' CHECK (state IN ('live','released','expired','purchased'))
        ) WITHOUT ROWID;
        -- The reaper's queue and the allocator's load of one showtime read only live holds.
        CREATE INDEX holds_live_by_expiry ON holds (expires_at) WHERE state = 'live';
        CREATE INDEX holds_live_by_showtime ON holds (showtime_id) WHERE state = 'live';

        CREATE TABLE bookings (
            code TEXT NOT NULL PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users (id),
            showtime_id INTEGER NOT NULL REFERENCES showtimes (id),
            state TEXT NOT NULL DEFAULT 'confirmed' CHECK (state IN ('confirmed','cancelled')),
            subtotal_cents INTEGER NOT NULL CHECK (subtotal_cents >= 0),
            fees_cents INTEGER NOT NULL CHECK (fees_cents >= 0),
            tax_cents INTEGER NOT NULL CHECK (tax_cents >= 0),
            total_cents INTEGER NOT NULL CHECK (total_cents = subtotal_cents + fees_cents + tax_cents),
            card_brand TEXT NOT NULL,
            card_last4 TEXT NOT NULL CHECK (length(card_last4) = 4),  -- never more of the card than this
            processor_ref TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            cancelled_at INTEGER,
            refunded_cents INTEGER NOT NULL DEFAULT 0 CHECK (refunded_cents BETWEEN 0 AND total_cents),
            CHECK ((state = 'cancelled') = (cancelled_at IS NOT NULL))
        ) WITHOUT ROWID;
        -- "My bookings", newest first.
        CREATE INDEX bookings_by_user ON bookings (user_id, created_at);

        CREATE TABLE tickets (
            booking_code TEXT NOT NULL REFERENCES bookings (code) ON DELETE CASCADE,
            seat_index INTEGER NOT NULL CHECK (seat_index >= 0),
            seat_label TEXT NOT NULL,
            ticket_type TEXT NOT NULL CHECK (ticket_type IN ('adult','child','senior')),
            price_cents INTEGER NOT NULL CHECK (price_cents >= 0),
            PRIMARY KEY (booking_code, seat_index)
        ) WITHOUT ROWID;

        -- One row per taken seat of a showtime, owned by a live hold or a confirmed booking: the
        -- primary key makes selling a seat twice impossible even for a writer that bypasses the allocator.
        CREATE TABLE seat_claims (
            showtime_id INTEGER NOT NULL REFERENCES showtimes (id) ON DELETE CASCADE,
            seat_index INTEGER NOT NULL CHECK (seat_index >= 0),
            hold_id TEXT REFERENCES holds (id),
            booking_code TEXT REFERENCES bookings (code),
            CHECK ((hold_id IS NULL) <> (booking_code IS NULL)),
            PRIMARY KEY (showtime_id, seat_index)
        ) WITHOUT ROWID;
        -- Releasing, expiring or purchasing a hold and cancelling a booking find their claims directly.
        CREATE INDEX seat_claims_by_hold ON seat_claims (hold_id) WHERE hold_id IS NOT NULL;
        CREATE INDEX seat_claims_by_booking ON seat_claims (booking_code) WHERE booking_code IS NOT NULL;

        CREATE TABLE idempotency_keys (
            user_id INTEGER NOT NULL REFERENCES users (id),
            key TEXT NOT NULL CHECK (key <> ''),
            request_digest TEXT NOT NULL,                -- a retry with other contents is refused
            booking_code TEXT REFERENCES bookings (code),
            created_at INTEGER NOT NULL,
            PRIMARY KEY (user_id, key)
        ) WITHOUT ROWID;
        """
}
