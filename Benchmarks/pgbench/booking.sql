-- One durable booking as BoxOffice writes it on PostgreSQL, for pgbench: the hold's transaction
-- (its row and two seat claims), the payment intent, then the purchase's transaction (booking,
-- tickets, idempotency key, the claims moved, the hold marked, the intent settled). Each client
-- claims random seats of a random showtime, so clients do not wait for one another's rows.
-- Run by `scripts/benchmarks.sh postgres`; needs users 1..64 and the demo catalogue.
\set showtime random(1, 16000)
\set seat random(0, 1000000000)
\set user random(1, 64)
BEGIN;
INSERT INTO holds (id, user_id, showtime_id, seats, expires_at, state)
VALUES ('h' || :client_id || '-' || :showtime || '-' || :seat, :user, :showtime, :seat || ',' || (:seat + 1), 4102444800000, 'live');
INSERT INTO seat_claims (showtime_id, seat_index, hold_id, expires_at)
SELECT :showtime, s, 'h' || :client_id || '-' || :showtime || '-' || :seat, 4102444800000 FROM unnest(ARRAY[:seat, :seat + 1]) AS s
ON CONFLICT (showtime_id, seat_index) DO UPDATE SET hold_id = excluded.hold_id, expires_at = excluded.expires_at
WHERE seat_claims.booking_code IS NULL AND seat_claims.expires_at <= 0;
COMMIT;
INSERT INTO payment_intents (id, user_id, hold_id, showtime_id, booking_code, subtotal_cents, fees_cents, tax_cents, total_cents,
                             card_brand, card_last4, tickets, idempotency_key, request_digest, created_at, settle_after)
VALUES ('pi' || :client_id || '-' || :showtime || '-' || :seat, :user, 'h' || :client_id || '-' || :showtime || '-' || :seat, :showtime,
        'b' || :client_id || '-' || :showtime || '-' || :seat, 2400, 300, 200, 2900, 'Visa', '4242',
        '[{"seat":1,"label":"A1","type":"adult","cents":1200},{"seat":2,"label":"A2","type":"adult","cents":1200}]',
        'k' || :client_id || '-' || :showtime || '-' || :seat, 'digest', 0, 120000);
BEGIN;
DELETE FROM payment_intents WHERE id = 'pi' || :client_id || '-' || :showtime || '-' || :seat;
INSERT INTO bookings (code, user_id, showtime_id, state, subtotal_cents, fees_cents, tax_cents, total_cents, card_brand, card_last4,
                      processor_ref, created_at)
VALUES ('b' || :client_id || '-' || :showtime || '-' || :seat, :user, :showtime, 'confirmed', 2400, 300, 200, 2900, 'Visa', '4242', 'sim_ch', 0);
INSERT INTO tickets (booking_code, seat_index, seat_label, ticket_type, price_cents)
SELECT 'b' || :client_id || '-' || :showtime || '-' || :seat, s, 'A' || s, 'adult', 1200 FROM unnest(ARRAY[:seat, :seat + 1]) AS s;
INSERT INTO idempotency_keys (user_id, key, request_digest, booking_code, created_at)
VALUES (:user, 'k' || :client_id || '-' || :showtime || '-' || :seat, 'digest', 'b' || :client_id || '-' || :showtime || '-' || :seat, 0);
UPDATE seat_claims SET hold_id = NULL, expires_at = NULL, booking_code = 'b' || :client_id || '-' || :showtime || '-' || :seat
WHERE hold_id = 'h' || :client_id || '-' || :showtime || '-' || :seat AND expires_at > 0;
UPDATE holds SET state = 'purchased' WHERE id = 'h' || :client_id || '-' || :showtime || '-' || :seat AND state = 'live';
COMMIT;
