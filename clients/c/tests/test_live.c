/* Every call against a real server: the happy path from search to cancelled booking, then the
 * answers a client must cope with (NOT_FOUND, ALREADY_EXISTS, UNAUTHENTICATED, ...).
 * The happy-path tests run in order and pass what they found on in `struct live`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "tests.h"

#define TIMEOUT_MS 20000
#define ZIP "10001"
#define PASSWORD "correct horse battery staple"
/* A showtime this far ahead cannot start while the tests hold and buy its seats. */
#define LEAD_MS (60 * 60 * 1000)

static const bo_card test_card = {.number = "4242424242424242", .exp_month = 12,
                                  .exp_year = 2030, .cvc = "123", .zip = "10001"};

struct live {
    const char *host;
    uint16_t port;
    bo_client *h; /* user A, signed up by the happy path */
    char email[128];
    int64_t showtime_id;
    int64_t theatre_id;
    bo_hold *hold;         /* the hold the purchase pays for */
    char code[32]; /* the booking's confirmation code */
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Fresh per run and per call, so the tests can rerun against the same database. */
static void unique(char *buf, size_t size, const char *prefix, const char *suffix)
{
    static int counter;
    snprintf(buf, size, "%s-%ld-%lld-%d%s", prefix, (long)getpid(), (long long)now_ms(),
             ++counter, suffix);
}

static bo_client *open_client(const struct live *c)
{
    bo_client *h = bo_connect(c->host, c->port, TIMEOUT_MS);
    if (!CHECK(h != NULL))
        printf("  connect: %s\n", bo_connect_errmsg());
    return h;
}

/* A new connection with a freshly signed-up user. */
static bo_client *new_user(const struct live *c)
{
    bo_client *h = open_client(c);
    char email[128];
    unique(email, sizeof email, "c-test-other", "@example.com");
    if (h && !CHECK_RC(h, bo_sign_up(h, email, "Other User", PASSWORD, NULL), BO_OK)) {
        bo_close(h);
        return NULL;
    }
    return h;
}

static const bo_seat *find_seat(const bo_seat_map *m, const char *label)
{
    for (size_t r = 0; r < m->screen.row_count; r++)
        for (size_t i = 0; i < m->screen.rows[r].seat_count; i++)
            if (strcmp(m->screen.rows[r].seats[i].label, label) == 0)
                return &m->screen.rows[r].seats[i];
    return NULL;
}

/* The state of seat `label` of the test's showtime, or -1. */
static int seat_state(struct live *c, const char *label)
{
    bo_seat_map *m;
    if (!CHECK_RC(c->h, bo_get_seat_map(c->h, c->showtime_id, &m), BO_OK))
        return -1;
    const bo_seat *seat = find_seat(m, label);
    int state = seat ? (int)seat->state : -1;
    bo_seat_map_free(m);
    return state;
}

/* ---------------------------------------------------------------------------------------------
 * The happy path */

static void test_info(void *arg)
{
    struct live *c = arg;
    bo_info *info;
    if (!CHECK_RC(c->h, bo_get_info(c->h, &info), BO_OK))
        return;
    CHECK(info->protocol_version == 1);
    CHECK(info->ready);
    CHECK(info->version[0] != '\0');
    CHECK(info->catalogue.theatres > 0 && info->catalogue.showtimes > 0);
    CHECK(info->limits.max_frame_bytes == BO_DEFAULT_MAX_FRAME);
    CHECK(info->limits.max_seats_per_hold >= 2);
    bo_info_free(info);
}

static void test_search_theatres(void *arg)
{
    struct live *c = arg;
    bo_theatre_query q = {.near = bo_near_zip(ZIP), .page_size = 2};
    bo_theatres *first = NULL, *second = NULL;
    if (!CHECK_RC(c->h, bo_search_theatres(c->h, &q, &first), BO_OK))
        return;
    if (!CHECK(first->count == 2 && first->total > 2))
        goto out;
    CHECK(first->items[0].distance_miles <= first->items[1].distance_miles);
    CHECK(first->items[0].theatre.id > 0 && first->items[0].theatre.name[0] != '\0');
    CHECK(first->items[0].theatre.address.city[0] != '\0');
    CHECK(first->next_page_token[0] != '\0');

    q.page_token = first->next_page_token;
    if (!CHECK_RC(c->h, bo_search_theatres(c->h, &q, &second), BO_OK))
        goto out;
    CHECK(second->count > 0);
    CHECK(second->total == first->total);
    if (second->count > 0) {
        CHECK(second->items[0].theatre.id != first->items[0].theatre.id);
        CHECK(second->items[0].theatre.id != first->items[1].theatre.id);
        CHECK(second->items[0].distance_miles >= first->items[1].distance_miles);
    }
out:
    bo_theatres_free(first);
    bo_theatres_free(second);
}

static void test_search_movies(void *arg)
{
    struct live *c = arg;
    bo_movie_query q = {.title = "avengers"};
    bo_movies *m;
    if (!CHECK_RC(c->h, bo_search_movies(c->h, &q, &m), BO_OK))
        return;
    if (CHECK(m->count > 0))
        CHECK(strstr(m->items[0].title, "Avengers") != NULL);
    bo_movies_free(m);
}

/* The first showtime near ZIP that starts after `after`: today (the theatres' own today), then
 * the next days, named by their UTC date, which late in the evening may skip the theatres'
 * tomorrow; a later day does just as well. */
static void test_search_showtimes(void *arg)
{
    struct live *c = arg;
    const int64_t after = now_ms() + LEAD_MS;
    for (int day = 0; day < 3 && c->showtime_id == 0; day++) {
        char date[11] = "";
        if (day > 0) {
            time_t t = time(NULL) + (time_t)day * 86400;
            struct tm tm;
            gmtime_r(&t, &tm);
            strftime(date, sizeof date, "%Y-%m-%d", &tm);
        }
        bo_showtime_query q = {.near = bo_near_zip(ZIP), .date = date, .page_size = 100};
        char *token = NULL;
        do {
            q.page_token = token;
            bo_showtimes *s;
            int rc = bo_search_showtimes(c->h, &q, &s);
            free(token);
            token = NULL;
            if (rc == BO_NOT_FOUND)
                break;
            if (!CHECK_RC(c->h, rc, BO_OK))
                return;
            for (size_t i = 0; i < s->count && c->showtime_id == 0; i++) {
                const bo_showtime *st = &s->items[i];
                if (st->starts_at_ms <= after)
                    continue;
                c->showtime_id = st->id;
                c->theatre_id = st->theatre_id;
                CHECK(st->movie_title[0] != '\0' && st->theatre_name[0] != '\0');
                CHECK(st->starts_at_local[0] != '\0');
                CHECK(st->prices.adult_cents > 0);
                CHECK(st->seats_left > 2);
            }
            if (c->showtime_id == 0 && s->next_page_token[0] != '\0')
                token = strdup(s->next_page_token);
            bo_showtimes_free(s);
        } while (token != NULL);
    }
    CHECK(c->showtime_id > 0);
}

static void test_list_screens(void *arg)
{
    struct live *c = arg;
    bo_screens *s;
    if (!CHECK_RC(c->h, bo_list_screens(c->h, c->theatre_id, 0, NULL, &s), BO_OK))
        return;
    CHECK(s->theatre.id == c->theatre_id);
    if (CHECK(s->count > 0 && s->count == s->theatre.screen_count)) {
        CHECK(s->items[0].capacity > 0);
        if (CHECK(s->items[0].row_count > 0 && s->items[0].rows[0].seat_count > 0))
            CHECK(s->items[0].rows[0].seats[0].label[0] != '\0');
    }
    CHECK(s->next_page_token[0] == '\0');
    bo_screens_free(s);
}

static void test_seat_map(void *arg)
{
    struct live *c = arg;
    bo_seat_map *m;
    if (!CHECK_RC(c->h, bo_get_seat_map(c->h, c->showtime_id, &m), BO_OK))
        return;
    CHECK(m->showtime.id == c->showtime_id);
    CHECK(m->screen.row_count > 0);
    uint32_t counts[4] = {0};
    for (size_t r = 0; r < m->screen.row_count; r++)
        for (size_t i = 0; i < m->screen.rows[r].seat_count; i++) {
            bo_seat_state st = m->screen.rows[r].seats[i].state;
            if (CHECK(st >= BO_SEAT_STATE_AVAILABLE && st <= BO_SEAT_STATE_SOLD))
                counts[st]++;
        }
    CHECK(counts[BO_SEAT_STATE_AVAILABLE] == m->available);
    CHECK(counts[BO_SEAT_STATE_HELD] == m->held);
    CHECK(counts[BO_SEAT_STATE_SOLD] == m->sold);
    CHECK(m->available > 2);
    bo_seat_map_free(m);
}

static void test_sign_up(void *arg)
{
    struct live *c = arg;
    unique(c->email, sizeof c->email, "c-test", "@example.com");
    bo_session *s;
    if (!CHECK_RC(c->h, bo_sign_up(c->h, c->email, "C Test", PASSWORD, &s), BO_OK))
        return;
    CHECK(s->token[0] != '\0');
    CHECK(strcmp(bo_token(c->h), s->token) == 0);
    CHECK(strcmp(s->email, c->email) == 0);
    CHECK(s->user_id > 0);
    CHECK(s->expires_at_ms > now_ms());
    bo_session_free(s);
}

static void test_sign_in(void *arg)
{
    struct live *c = arg;
    CHECK(bo_set_token(c->h, NULL) == BO_OK);
    CHECK(bo_token(c->h)[0] == '\0');
    bo_session *s;
    if (!CHECK_RC(c->h, bo_sign_in(c->h, c->email, PASSWORD, &s), BO_OK))
        return;
    CHECK(strcmp(bo_token(c->h), s->token) == 0);
    CHECK(strcmp(s->name, "C Test") == 0);
    bo_session_free(s);
}

/* Best-available hold, release, then the same seats again by label for the purchase. */
static void test_hold_and_release(void *arg)
{
    struct live *c = arg;
    bo_hold *best;
    if (!CHECK_RC(c->h, bo_hold_best(c->h, c->showtime_id, 2, BO_SEAT_KIND_STANDARD, &best),
                  BO_OK))
        return;
    if (!CHECK(best->seat_count == 2 && best->hold_id[0] != '\0')) {
        bo_hold_free(best);
        return;
    }
    CHECK(best->showtime_id == c->showtime_id);
    CHECK(best->expires_at_ms > now_ms());
    CHECK(seat_state(c, best->seats[0]) == BO_SEAT_STATE_HELD);

    bo_released *r;
    if (CHECK_RC(c->h, bo_release_hold(c->h, best->hold_id, &r), BO_OK)) {
        CHECK(r->count == 2);
        bo_released_free(r);
    }
    CHECK(seat_state(c, best->seats[0]) == BO_SEAT_STATE_AVAILABLE);

    const char *labels[] = {best->seats[0], best->seats[1]};
    if (CHECK_RC(c->h, bo_hold_seats(c->h, c->showtime_id, labels, 2, &c->hold), BO_OK)) {
        CHECK(c->hold->seat_count == 2);
        CHECK(seat_state(c, labels[1]) == BO_SEAT_STATE_HELD);
    }
    bo_hold_free(best);
}

static void test_purchase(void *arg)
{
    struct live *c = arg;
    if (!CHECK(c->hold != NULL))
        return;
    const bo_ticket_type types[] = {BO_TICKET_ADULT, BO_TICKET_CHILD};
    char key[96];
    unique(key, sizeof key, "c-test-purchase", "");
    bo_booking *b;
    if (!CHECK_RC(c->h, bo_purchase(c->h, c->hold->hold_id, types, 2, &test_card, key, &b),
                  BO_OK))
        return;
    snprintf(c->code, sizeof c->code, "%s", b->code);
    CHECK(strlen(b->code) == 9);
    CHECK(b->state == BO_BOOKING_CONFIRMED);
    CHECK(b->showtime.id == c->showtime_id);
    if (CHECK(b->ticket_count == 2)) {
        CHECK(b->tickets[0].type == BO_TICKET_ADULT && b->tickets[1].type == BO_TICKET_CHILD);
        CHECK(strcmp(b->tickets[0].seat, c->hold->seats[0]) == 0);
    }
    CHECK(b->total_cents > 0);
    CHECK(b->total_cents == b->subtotal_cents + b->fees_cents + b->tax_cents);
    CHECK(strcmp(b->card_last4, "4242") == 0);
    bo_booking_free(b);
    CHECK(seat_state(c, c->hold->seats[0]) == BO_SEAT_STATE_SOLD);

    /* The same key and request again (a retry after a lost answer) is the same booking. */
    if (CHECK_RC(c->h, bo_purchase(c->h, c->hold->hold_id, types, 2, &test_card, key, &b),
                 BO_OK)) {
        CHECK(strcmp(b->code, c->code) == 0);
        bo_booking_free(b);
    }
}

static void test_get_booking(void *arg)
{
    struct live *c = arg;
    if (!CHECK(c->code[0] != '\0'))
        return;
    bo_booking *b;
    if (CHECK_RC(c->h, bo_get_booking(c->h, c->code, &b), BO_OK)) {
        CHECK(strcmp(b->code, c->code) == 0);
        CHECK(b->state == BO_BOOKING_CONFIRMED);
        CHECK(b->ticket_count == 2);
        bo_booking_free(b);
    }
}

static void test_list_bookings(void *arg)
{
    struct live *c = arg;
    if (!CHECK(c->code[0] != '\0'))
        return;
    bo_bookings *list;
    if (!CHECK_RC(c->h, bo_list_bookings(c->h, 0, NULL, &list), BO_OK))
        return;
    CHECK(list->total == 1 && list->count == 1);
    if (list->count > 0)
        CHECK(strcmp(list->items[0].code, c->code) == 0);
    CHECK(list->next_page_token[0] == '\0');
    bo_bookings_free(list);
}

static void test_cancel_booking(void *arg)
{
    struct live *c = arg;
    if (!CHECK(c->code[0] != '\0'))
        return;
    bo_booking *b;
    if (CHECK_RC(c->h, bo_cancel_booking(c->h, c->code, &b), BO_OK)) {
        CHECK(b->state == BO_BOOKING_CANCELLED);
        CHECK(b->cancelled_at_ms > 0);
        bo_booking_free(b);
    }
    if (CHECK_RC(c->h, bo_get_booking(c->h, c->code, &b), BO_OK)) {
        CHECK(b->state == BO_BOOKING_CANCELLED);
        bo_booking_free(b);
    }
}

/* ---------------------------------------------------------------------------------------------
 * Answers other than OK */

static void test_not_found(void *arg)
{
    struct live *c = arg;
    static bo_seat_map sentinel;
    bo_seat_map *m = &sentinel;
    CHECK_RC(c->h, bo_get_seat_map(c->h, 999999999, &m), BO_NOT_FOUND);
    CHECK(m == NULL);
    CHECK(bo_errmsg(c->h)[0] != '\0');
    /* The connection carries on after an error answer. */
    CHECK_RC(c->h, bo_get_info(c->h, NULL), BO_OK);
    CHECK(bo_errmsg(c->h)[0] == '\0');
}

static void test_unknown_booking(void *arg)
{
    struct live *c = arg;
    /* Well formed (value 0, check character 0), so the server looks it up; the chance that a
     * random 40-bit code is 0 is nil. */
    bo_booking *b;
    CHECK_RC(c->h, bo_get_booking(c->h, "000000000", &b), BO_NOT_FOUND);
    CHECK(b == NULL);
}

static void test_invalid_argument(void *arg)
{
    struct live *c = arg;
    bo_theatre_query q = {.near = bo_near_zip("1234")};
    CHECK_RC(c->h, bo_search_theatres(c->h, &q, NULL), BO_INVALID_ARGUMENT);
    /* Z is no check character for ZZZZZZZZ. */
    CHECK_RC(c->h, bo_get_booking(c->h, "ZZZZZZZZZ", NULL), BO_INVALID_ARGUMENT);
    CHECK_RC(c->h, bo_search_theatres(c->h, NULL, NULL), BO_ERR_ARGUMENT);
}

static void test_duplicate_sign_up(void *arg)
{
    struct live *c = arg;
    bo_client *h = open_client(c);
    CHECK_RC(h, bo_sign_up(h, c->email, "Again", PASSWORD, NULL), BO_ALREADY_EXISTS);
    CHECK(bo_token(h)[0] == '\0');
    bo_close(h);
}

/* User B asks for the seats user A holds. */
static void test_taken_seat(void *arg)
{
    struct live *c = arg;
    bo_hold *a_hold;
    if (!CHECK_RC(c->h, bo_hold_best(c->h, c->showtime_id, 2, BO_SEAT_KIND_STANDARD, &a_hold),
                  BO_OK))
        return;
    bo_client *b = new_user(c);
    if (b != NULL && CHECK(a_hold->seat_count == 2)) {
        const char *labels[] = {a_hold->seats[0], a_hold->seats[1]};
        bo_hold *b_hold;
        CHECK_RC(b, bo_hold_seats(b, c->showtime_id, labels, 2, &b_hold), BO_ALREADY_EXISTS);
        CHECK(b_hold == NULL);
        CHECK(strstr(bo_errmsg(b), a_hold->seats[0]) != NULL);
    }
    bo_close(b);
    CHECK_RC(c->h, bo_release_hold(c->h, a_hold->hold_id, NULL), BO_OK);
    bo_hold_free(a_hold);
}

static void test_unauthenticated(void *arg)
{
    struct live *c = arg;
    bo_client *h = open_client(c);
    CHECK_RC(h, bo_hold_best(h, c->showtime_id, 1, BO_SEAT_KIND_STANDARD, NULL),
             BO_UNAUTHENTICATED);
    CHECK(bo_set_token(h, "forged.token.value") == BO_OK);
    CHECK_RC(h, bo_hold_best(h, c->showtime_id, 1, BO_SEAT_KIND_STANDARD, NULL),
             BO_UNAUTHENTICATED);
    CHECK_RC(h, bo_sign_in(h, c->email, "not the password", NULL), BO_UNAUTHENTICATED);
    bo_close(h);
}

/* A declined card, and a number that fails the Luhn check. */
static void test_purchase_refusals(void *arg)
{
    struct live *c = arg;
    bo_hold *hold;
    if (!CHECK_RC(c->h, bo_hold_best(c->h, c->showtime_id, 1, BO_SEAT_KIND_STANDARD, &hold),
                  BO_OK))
        return;
    char key[96];
    bo_card card = test_card;
    card.number = "4000000000000002";
    unique(key, sizeof key, "c-test-declined", "");
    CHECK_RC(c->h, bo_purchase(c->h, hold->hold_id, NULL, 0, &card, key, NULL),
             BO_FAILED_PRECONDITION);
    card.number = "4242424242424241";
    unique(key, sizeof key, "c-test-luhn", "");
    CHECK_RC(c->h, bo_purchase(c->h, hold->hold_id, NULL, 0, &card, key, NULL),
             BO_INVALID_ARGUMENT);
    CHECK_RC(c->h, bo_release_hold(c->h, hold->hold_id, NULL), BO_OK);
    bo_hold_free(hold);
}

void live_tests(const char *host, uint16_t port)
{
    struct live c = {.host = host, .port = port};
    c.h = open_client(&c);
    if (c.h == NULL)
        return;
    run_test("info", test_info, &c);
    run_test("search theatres near " ZIP ", two pages", test_search_theatres, &c);
    run_test("search movies by title", test_search_movies, &c);
    run_test("search showtimes near " ZIP, test_search_showtimes, &c);
    run_test("list screens", test_list_screens, &c);
    run_test("seat map", test_seat_map, &c);
    run_test("sign up", test_sign_up, &c);
    run_test("sign in", test_sign_in, &c);
    run_test("hold best 2, release, hold by label", test_hold_and_release, &c);
    run_test("purchase", test_purchase, &c);
    run_test("get booking", test_get_booking, &c);
    run_test("list bookings", test_list_bookings, &c);
    run_test("cancel booking", test_cancel_booking, &c);
    run_test("NOT_FOUND: seat map of showtime 999999999", test_not_found, &c);
    run_test("NOT_FOUND: unknown booking code", test_unknown_booking, &c);
    run_test("INVALID_ARGUMENT: four-digit ZIP, malformed booking code", test_invalid_argument,
             &c);
    run_test("ALREADY_EXISTS: second sign-up with an email", test_duplicate_sign_up, &c);
    run_test("ALREADY_EXISTS: user B holds user A's seats", test_taken_seat, &c);
    run_test("UNAUTHENTICATED: no token, forged token, wrong password", test_unauthenticated,
             &c);
    run_test("purchase refusals: declined card, Luhn failure", test_purchase_refusals, &c);
    bo_hold_free(c.hold);
    bo_close(c.h);
}
