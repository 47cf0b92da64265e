import Foundation

/// The PostgreSQL schema as numbered migrations, applied in order at start and recorded in
/// `schema_migrations`. A database whose newest migration this binary does not know is refused:
/// it was migrated by a newer BoxOffice, and this one would misread it.
///
/// The tables are SQLite's (BookingSchema, Schema) in PostgreSQL's types, with one difference that
/// matters: a seat claim carries its hold's expiry, so taking over an expired claim is one
/// `INSERT … ON CONFLICT … DO UPDATE … WHERE expires_at <= now` and correctness needs no reaper.
enum PostgresSchema {
    struct Migration: Sendable {
        let version: Int
        let name: String
        let sql: String
    }

    static let migrations: [Migration] = [
        Migration(version: 1, name: "catalogue, bookings, reviews, sessions", sql: v1),
        Migration(version: 2, name: "payment intents", sql: v2),
        Migration(version: 3, name: "revocation times", sql: v3),
        Migration(version: 4, name: "cluster nodes", sql: v4),
    ]

    static var newestVersion: Int { migrations.map(\.version).max() ?? 0 }

    /// A migration's statements one by one: the extended protocol postgres-nio speaks takes one
    /// statement per query. Semicolons inside a `$$` function body do not end a statement.
    static func statements(of sql: String) -> [String] {
        var statements: [String] = []
        var current = ""
        var inBody = false
        for line in sql.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("--") && current.isEmpty { continue }
            current += line + "\n"
            if line.components(separatedBy: "$$").count % 2 == 0 { inBody.toggle() }
            if !inBody, trimmed.hasSuffix(";") {
                statements.append(current.trimmingCharacters(in: .whitespacesAndNewlines))
                current = ""
            }
        }
        let rest = current.trimmingCharacters(in: .whitespacesAndNewlines)
        if !rest.isEmpty { statements.append(rest) }
        return statements
    }

    static let bookkeeping = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version integer PRIMARY KEY,
            name text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        )
        """

    static let v1 = """
        CREATE TABLE zip_codes (
            zip text PRIMARY KEY CHECK (length(zip) = 5),
            type text NOT NULL CHECK (type IN ('STANDARD','PO BOX','UNIQUE','MILITARY')),
            city text NOT NULL,
            state text NOT NULL CHECK (length(state) = 2),
            county text NOT NULL,
            time_zone text NOT NULL,
            lat double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
            lon double precision NOT NULL CHECK (lon BETWEEN -180 AND 180)
        );
        CREATE INDEX zip_codes_by_city ON zip_codes (state, lower(city));
        -- A bounding box narrows a "nearest ZIP" search (a GiST index on the point answers it in a
        -- few pages, where a B-tree on (lat, lon) reads a whole band of latitude); exact distance decides.
        CREATE INDEX zip_codes_by_position ON zip_codes USING gist (point(lon, lat)) WHERE time_zone <> '';

        CREATE TABLE theatres (
            id bigint PRIMARY KEY,
            chain text NOT NULL,
            name text NOT NULL CHECK (name <> ''),
            street text NOT NULL,
            city text NOT NULL,
            state text NOT NULL CHECK (length(state) = 2),
            zip text NOT NULL REFERENCES zip_codes (zip),
            lat double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
            lon double precision NOT NULL CHECK (lon BETWEEN -180 AND 180),
            time_zone text NOT NULL CHECK (time_zone <> ''),
            screen_count integer NOT NULL CHECK (screen_count BETWEEN 1 AND 30)
        );
        CREATE INDEX theatres_by_position ON theatres USING gist (point(lon, lat));

        CREATE TABLE screens (
            id bigint PRIMARY KEY,
            theatre_id bigint NOT NULL REFERENCES theatres (id) ON DELETE CASCADE,
            number integer NOT NULL CHECK (number > 0),
            name text NOT NULL,
            format text NOT NULL CHECK (format IN ('standard','imax','3d','dolby','plf')),
            layout text NOT NULL CHECK (layout <> ''),
            capacity integer NOT NULL CHECK (capacity > 0),
            UNIQUE (theatre_id, number)
        );

        CREATE TABLE movies (
            id bigint PRIMARY KEY,
            title text NOT NULL CHECK (title <> ''),
            rating text NOT NULL CHECK (rating IN ('G','PG','PG-13','R','NC-17')),
            runtime_minutes integer NOT NULL CHECK (runtime_minutes BETWEEN 1 AND 600),
            genres text NOT NULL,
            release_date text NOT NULL CHECK (release_date ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$')
        );

        CREATE TABLE showtimes (
            id bigint PRIMARY KEY,
            screen_id bigint NOT NULL REFERENCES screens (id) ON DELETE CASCADE,
            theatre_id bigint NOT NULL REFERENCES theatres (id) ON DELETE CASCADE,
            movie_id bigint NOT NULL REFERENCES movies (id),
            starts_at bigint NOT NULL,
            local_date text NOT NULL CHECK (local_date ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
            format text NOT NULL CHECK (format IN ('standard','imax','3d','dolby','plf')),
            language text NOT NULL CHECK (length(language) = 2),
            price_adult bigint NOT NULL CHECK (price_adult >= 0),
            price_child bigint NOT NULL CHECK (price_child >= 0),
            price_senior bigint NOT NULL CHECK (price_senior >= 0),
            price_premium_extra bigint NOT NULL DEFAULT 0 CHECK (price_premium_extra >= 0)
        );
        CREATE INDEX showtimes_by_theatre ON showtimes (theatre_id, local_date, starts_at);
        CREATE INDEX showtimes_by_movie ON showtimes (movie_id, local_date, theatre_id);

        CREATE TABLE users (
            id bigserial PRIMARY KEY,
            email text NOT NULL CHECK (email <> ''),
            name text NOT NULL,
            password_hash text NOT NULL CHECK (password_hash <> ''),
            created_at bigint NOT NULL
        );
        CREATE UNIQUE INDEX users_by_email ON users (lower(email));

        CREATE TABLE holds (
            id text PRIMARY KEY,
            user_id bigint NOT NULL REFERENCES users (id),
            showtime_id bigint NOT NULL REFERENCES showtimes (id) ON DELETE CASCADE,
            seats text NOT NULL CHECK (seats <> ''),
            expires_at bigint NOT NULL,
            state text NOT NULL DEFAULT 'live' CHECK (state IN ('live','released','expired','purchased'))
        );
        CREATE INDEX holds_live_by_expiry ON holds (expires_at) WHERE state = 'live';
        CREATE INDEX holds_live_by_showtime ON holds (showtime_id) WHERE state = 'live';
        CREATE INDEX holds_live_by_user ON holds (user_id) WHERE state = 'live';

        CREATE TABLE bookings (
            code text PRIMARY KEY,
            user_id bigint NOT NULL REFERENCES users (id),
            showtime_id bigint NOT NULL REFERENCES showtimes (id),
            state text NOT NULL DEFAULT 'confirmed' CHECK (state IN ('confirmed','cancelled')),
            subtotal_cents bigint NOT NULL CHECK (subtotal_cents >= 0),
            fees_cents bigint NOT NULL CHECK (fees_cents >= 0),
            tax_cents bigint NOT NULL CHECK (tax_cents >= 0),
            total_cents bigint NOT NULL CHECK (total_cents = subtotal_cents + fees_cents + tax_cents),
            card_brand text NOT NULL,
            card_last4 text NOT NULL CHECK (length(card_last4) = 4),
            processor_ref text NOT NULL,
            created_at bigint NOT NULL,
            cancelled_at bigint,
            refunded_cents bigint NOT NULL DEFAULT 0 CHECK (refunded_cents BETWEEN 0 AND total_cents),
            CHECK ((state = 'cancelled') = (cancelled_at IS NOT NULL))
        );
        CREATE INDEX bookings_by_user ON bookings (user_id, created_at);

        CREATE TABLE tickets (
            booking_code text NOT NULL REFERENCES bookings (code) ON DELETE CASCADE,
            seat_index integer NOT NULL CHECK (seat_index >= 0),
            seat_label text NOT NULL,
            ticket_type text NOT NULL CHECK (ticket_type IN ('adult','child','senior')),
            price_cents bigint NOT NULL CHECK (price_cents >= 0),
            PRIMARY KEY (booking_code, seat_index)
        );

        -- One row per taken seat: the primary key makes selling a seat twice impossible whatever any
        -- process believes. A hold's claim carries the hold's expiry (NULL for a booking's), so a new
        -- hold takes over an expired claim in the statement that makes it.
        CREATE TABLE seat_claims (
            showtime_id bigint NOT NULL REFERENCES showtimes (id) ON DELETE CASCADE,
            seat_index integer NOT NULL CHECK (seat_index >= 0),
            hold_id text REFERENCES holds (id),
            booking_code text REFERENCES bookings (code),
            expires_at bigint,
            CHECK ((hold_id IS NULL) <> (booking_code IS NULL)),
            CHECK ((hold_id IS NULL) = (expires_at IS NULL)),
            PRIMARY KEY (showtime_id, seat_index)
        );
        CREATE INDEX seat_claims_by_hold ON seat_claims (hold_id) WHERE hold_id IS NOT NULL;
        CREATE INDEX seat_claims_by_booking ON seat_claims (booking_code) WHERE booking_code IS NOT NULL;

        CREATE TABLE idempotency_keys (
            user_id bigint NOT NULL REFERENCES users (id),
            key text NOT NULL CHECK (key <> ''),
            request_digest text NOT NULL,
            booking_code text REFERENCES bookings (code),
            created_at bigint NOT NULL,
            PRIMARY KEY (user_id, key)
        );

        CREATE TABLE owed_refunds (
            charge_ref text PRIMARY KEY CHECK (charge_ref <> ''),
            amount_cents bigint NOT NULL CHECK (amount_cents > 0),
            user_id bigint NOT NULL REFERENCES users (id),
            reason text NOT NULL,
            owed_since bigint NOT NULL
        );

        CREATE TABLE reviews (
            user_id bigint NOT NULL REFERENCES users (id),
            movie_id bigint NOT NULL REFERENCES movies (id),
            stars integer NOT NULL CHECK (stars BETWEEN 1 AND 5),
            review text NOT NULL CHECK (char_length(review) <= 2000),
            created_at bigint NOT NULL,
            updated_at bigint NOT NULL CHECK (updated_at >= created_at),
            PRIMARY KEY (user_id, movie_id)
        );
        CREATE INDEX reviews_by_movie ON reviews (movie_id, updated_at);

        CREATE TABLE movie_ratings (
            movie_id bigint PRIMARY KEY REFERENCES movies (id),
            star_total bigint NOT NULL CHECK (star_total >= 0),
            rating_count bigint NOT NULL CHECK (rating_count >= 0)
        );
        CREATE FUNCTION movie_ratings_follow() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP IN ('UPDATE', 'DELETE') THEN
                UPDATE movie_ratings SET star_total = star_total - OLD.stars, rating_count = rating_count - 1
                WHERE movie_id = OLD.movie_id;
            END IF;
            IF TG_OP IN ('INSERT', 'UPDATE') THEN
                INSERT INTO movie_ratings (movie_id, star_total, rating_count) VALUES (NEW.movie_id, NEW.stars, 1)
                ON CONFLICT (movie_id) DO UPDATE SET star_total = movie_ratings.star_total + NEW.stars,
                                                     rating_count = movie_ratings.rating_count + 1;
            END IF;
            RETURN NULL;
        END $$;
        CREATE TRIGGER reviews_keep_ratings AFTER INSERT OR UPDATE OF stars, movie_id OR DELETE ON reviews
            FOR EACH ROW EXECUTE FUNCTION movie_ratings_follow();

        CREATE TABLE revoked_tokens (
            token_id text PRIMARY KEY CHECK (token_id <> ''),
            user_id bigint NOT NULL REFERENCES users (id),
            expires_at bigint NOT NULL
        );
        """

    /// Payment intents, written before a card is charged, so that no crash leaves a charge without
    /// a booking or a refund (SQLite's v5 has the same table).
    static let v2 = """
        CREATE TABLE payment_intents (
            id text PRIMARY KEY CHECK (id <> ''),
            user_id bigint NOT NULL REFERENCES users (id),
            hold_id text NOT NULL REFERENCES holds (id),
            showtime_id bigint NOT NULL REFERENCES showtimes (id),
            booking_code text NOT NULL UNIQUE,
            subtotal_cents bigint NOT NULL CHECK (subtotal_cents >= 0),
            fees_cents bigint NOT NULL CHECK (fees_cents >= 0),
            tax_cents bigint NOT NULL CHECK (tax_cents >= 0),
            total_cents bigint NOT NULL CHECK (total_cents = subtotal_cents + fees_cents + tax_cents),
            card_brand text NOT NULL,
            card_last4 text NOT NULL CHECK (length(card_last4) = 4),
            tickets text NOT NULL,
            idempotency_key text,
            request_digest text,
            created_at bigint NOT NULL,
            settle_after bigint NOT NULL,
            CHECK ((idempotency_key IS NULL) = (request_digest IS NULL))
        );
        CREATE UNIQUE INDEX payment_intents_by_key ON payment_intents (user_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
        CREATE INDEX payment_intents_by_settle_after ON payment_intents (settle_after);
        """

    /// When each token was signed out, by the database server's clock, so every node can read the
    /// sign-outs since its last look (SQLite's v6 has the same column).
    static let v3 = """
        ALTER TABLE revoked_tokens ADD COLUMN revoked_at bigint NOT NULL DEFAULT 0;
        CREATE INDEX revoked_tokens_by_time ON revoked_tokens (revoked_at);
        """

    /// The nodes of a cluster and their last heartbeat (the database server's clock, unix ms):
    /// each node reads the live ones to know which showtimes it owns.
    static let v4 = """
        CREATE TABLE nodes (
            id text PRIMARY KEY CHECK (id <> ''),
            peer_address text NOT NULL CHECK (peer_address <> ''),
            heartbeat_at bigint NOT NULL
        );
        """
}
