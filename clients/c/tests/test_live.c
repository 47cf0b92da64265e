/* Every call against a real server: the happy path from search to cancelled booking, then the
 * answers a client must cope with (NOT_FOUND, ALREADY_EXISTS, UNAUTHENTICATED, ...), then the
 * calls protocol 1's second round added (holds listed, quotes, ticket types by seat, sign-out,
 * reviews, the new search filters), each with a user of its own.
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
/* Enough free seats in the test's showtime for every test's holds. */
#define MIN_SEATS_LEFT 20
/* Seat labels copied out of a seat map: "F12", "AA12". */
#define LABEL_SIZE 16

static const bo_card test_card = {.number = "4242424242424242", .exp_month = 12,
                                  .exp_year = 2030, .cvc = "123", .zip = "10001"};

struct live {
    const char *host;
    uint16_t port;
    bo_client *h; /* user A, signed up by the happy path */
    char email[128];
    int64_t showtime_id;
    int64_t theatre_id;
    int64_t movie_id;      /* the showtime's movie */
    bo_hold *hold;         /* the hold the purchase pays for */
    char code[32]; /* the booking's confirmation code */
    bo_client *buyer;      /* the quote test's user, with one upcoming booking */
    char buyer_code[32];
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

/* A new connection with a freshly signed-up user called name. */
static bo_client *new_user(const struct live *c, const char *name)
{
    bo_client *h = open_client(c);
    char email[128];
    unique(email, sizeof email, "c-test-other", "@example.com");
    if (h && !CHECK_RC(h, bo_sign_up(h, email, name, PASSWORD, NULL), BO_OK)) {
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
                if (st->starts_at_ms <= after || st->seats_left < MIN_SEATS_LEFT)
                    continue;
                c->showtime_id = st->id;
                c->theatre_id = st->theatre_id;
                c->movie_id = st->movie_id;
                CHECK(st->movie_title[0] != '\0' && st->theatre_name[0] != '\0');
                CHECK(st->starts_at_local[0] != '\0');
                CHECK(st->prices.adult_cents > 0);
                CHECK(!st->started);
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
    bo_client *b = new_user(c, "Other User");
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

/* ---------------------------------------------------------------------------------------------
 * Holds listed, quotes, ticket types by seat, sign-out, reviews, the new search filters */

static void test_version(void *arg)
{
    (void)arg;
    CHECK(bo_version() != NULL && bo_version()[0] != '\0');
    CHECK(strcmp(bo_version(), BO_VERSION) == 0);
    CHECK(BO_PROTOCOL_VERSION == 1);
}

/* Up to n available seats of kind (BO_SEAT_KIND_UNSPECIFIED: any) of showtime_id, in seat-map
 * order (front row first, left to right), copied into labels; returns how many were found. */
static size_t available_seats(bo_client *h, int64_t showtime_id, bo_seat_kind kind, size_t n,
                              char labels[][LABEL_SIZE])
{
    bo_seat_map *m;
    if (!CHECK_RC(h, bo_get_seat_map(h, showtime_id, &m), BO_OK))
        return 0;
    size_t found = 0;
    for (size_t r = 0; r < m->screen.row_count && found < n; r++)
        for (size_t i = 0; i < m->screen.rows[r].seat_count && found < n; i++) {
            const bo_seat *seat = &m->screen.rows[r].seats[i];
            if (seat->state == BO_SEAT_STATE_AVAILABLE &&
                (kind == BO_SEAT_KIND_UNSPECIFIED || seat->kind == kind))
                snprintf(labels[found++], LABEL_SIZE, "%s", seat->label);
        }
    bo_seat_map_free(m);
    return found;
}

static const bo_ticket *ticket_for(const bo_ticket *tickets, size_t n, const char *seat)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(tickets[i].seat, seat) == 0)
            return &tickets[i];
    return NULL;
}

static double distance(double a, double b)
{
    return a > b ? a - b : b - a;
}

static int64_t type_price(const bo_prices *p, bo_ticket_type type)
{
    switch (type) {
    case BO_TICKET_CHILD:
        return p->child_cents;
    case BO_TICKET_SENIOR:
        return p->senior_cents;
    default:
        return p->adult_cents;
    }
}

/* Named seats asked for out of seat order come back, and are listed, in the asked order; the
 * list follows each hold out as it is released. */
static void test_list_holds(void *arg)
{
    struct live *c = arg;
    char seats[3][LABEL_SIZE];
    bo_client *h = new_user(c, "Hold Lister");
    if (h == NULL || !CHECK(available_seats(h, c->showtime_id, BO_SEAT_KIND_STANDARD, 3,
                                            seats) == 3)) {
        bo_close(h);
        return;
    }
    bo_holds *list = NULL;
    if (CHECK_RC(h, bo_list_holds(h, &list), BO_OK))
        CHECK(list->count == 0);
    bo_holds_free(list);
    list = NULL;

    const char *asked[] = {seats[2], seats[0], seats[1]};
    bo_hold *named = NULL, *best = NULL;
    if (!CHECK_RC(h, bo_hold_seats(h, c->showtime_id, asked, 3, &named), BO_OK))
        goto out;
    if (CHECK(named->seat_count == 3))
        for (size_t i = 0; i < 3; i++)
            CHECK(strcmp(named->seats[i], asked[i]) == 0);
    CHECK(named->showtime.id == c->showtime_id);
    CHECK(named->showtime.movie_id == c->movie_id);
    CHECK(named->showtime.theatre_address.street[0] != '\0');
    CHECK(named->showtime.theatre_address.zip[0] != '\0');
    if (!CHECK_RC(h, bo_hold_best(h, c->showtime_id, 1, BO_SEAT_KIND_STANDARD, &best), BO_OK))
        goto out;

    if (!CHECK_RC(h, bo_list_holds(h, &list), BO_OK))
        goto out;
    if (CHECK(list->count == 2)) {
        CHECK(list->items[0].expires_at_ms <= list->items[1].expires_at_ms);
        /* The named hold was made first, so it expires first. */
        const bo_hold *first = &list->items[0];
        CHECK(strcmp(first->hold_id, named->hold_id) == 0);
        CHECK(first->showtime_id == c->showtime_id);
        CHECK(first->expires_at_ms == named->expires_at_ms);
        if (CHECK(first->seat_count == 3))
            for (size_t i = 0; i < 3; i++)
                CHECK(strcmp(first->seats[i], asked[i]) == 0);
        CHECK(first->showtime.id == c->showtime_id);
        CHECK(strcmp(first->showtime.movie_title, named->showtime.movie_title) == 0);
        CHECK(first->showtime.starts_at_local[0] != '\0');
        CHECK(strcmp(list->items[1].hold_id, best->hold_id) == 0);
        CHECK(list->items[1].seat_count == 1);
    }
    bo_holds_free(list);
    list = NULL;

    CHECK_RC(h, bo_release_hold(h, named->hold_id, NULL), BO_OK);
    if (CHECK_RC(h, bo_list_holds(h, &list), BO_OK) && CHECK(list->count == 1))
        CHECK(strcmp(list->items[0].hold_id, best->hold_id) == 0);
    bo_holds_free(list);
    list = NULL;
    CHECK_RC(h, bo_release_hold(h, best->hold_id, NULL), BO_OK);
    if (CHECK_RC(h, bo_list_holds(h, &list), BO_OK))
        CHECK(list->count == 0);
out:
    bo_holds_free(list);
    bo_hold_free(named);
    bo_hold_free(best);
    bo_close(h);
}

/* Checks the money of a quote or booking: tickets at the showtime's prices for their types,
 * subtotal their sum, tax the state's rate on subtotal and fees rounded half up, and the total
 * the sum of the three. */
static void check_money(const bo_showtime *show, const bo_ticket *tickets, size_t n,
                        int64_t subtotal, int64_t fees, int64_t tax, int64_t total,
                        const char *tax_state, uint32_t rate)
{
    int64_t sum = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t want = type_price(&show->prices, tickets[i].type);
        if (tickets[i].kind == BO_SEAT_KIND_PREMIUM)
            want += show->prices.premium_extra_cents;
        CHECK(tickets[i].price_cents == want);
        sum += tickets[i].price_cents;
    }
    CHECK(subtotal == sum);
    CHECK(fees > 0);
    CHECK(total == subtotal + fees + tax);
    CHECK(strlen(tax_state) == 2 && strcmp(tax_state, show->theatre_address.state) == 0);
    CHECK(rate > 0 && rate < 20000);
    CHECK(tax == ((subtotal + fees) * (int64_t)rate + 50000) / 100000);
}

/* A quote prices the hold in its seat order and changes nothing; the purchase with the same
 * types charges exactly the quote. */
static void test_quote_and_purchase(void *arg)
{
    struct live *c = arg;
    c->buyer = new_user(c, "Quote Buyer");
    bo_client *h = c->buyer;
    bo_hold *hold = NULL;
    bo_quote *q = NULL;
    bo_booking *b = NULL;
    if (h == NULL ||
        !CHECK_RC(h, bo_hold_best(h, c->showtime_id, 3, BO_SEAT_KIND_STANDARD, &hold), BO_OK))
        return;
    if (!CHECK(hold->seat_count == 3))
        goto out;
    const bo_ticket_type types[] = {BO_TICKET_ADULT, BO_TICKET_CHILD, BO_TICKET_SENIOR};
    if (!CHECK_RC(h, bo_quote_hold(h, hold->hold_id, types, 3, &q), BO_OK))
        goto out;
    CHECK(strcmp(q->hold_id, hold->hold_id) == 0);
    CHECK(q->showtime.id == c->showtime_id);
    CHECK(q->showtime.theatre_address.city[0] != '\0');
    CHECK(q->hold_expires_at_ms == hold->expires_at_ms);
    if (CHECK(q->ticket_count == 3))
        for (size_t i = 0; i < 3; i++) {
            CHECK(strcmp(q->tickets[i].seat, hold->seats[i]) == 0);
            CHECK(q->tickets[i].type == types[i]);
            CHECK(q->tickets[i].kind == BO_SEAT_KIND_STANDARD);
        }
    check_money(&q->showtime, q->tickets, q->ticket_count, q->subtotal_cents, q->fees_cents,
                q->tax_cents, q->total_cents, q->tax_state, q->tax_rate_milli_percent);
    /* A quote changes nothing: the seats stay held. */
    CHECK(seat_state(c, hold->seats[0]) == BO_SEAT_STATE_HELD);

    char key[96];
    unique(key, sizeof key, "c-test-quoted", "");
    if (!CHECK_RC(h, bo_purchase(h, hold->hold_id, types, 3, &test_card, key, &b), BO_OK))
        goto out;
    snprintf(c->buyer_code, sizeof c->buyer_code, "%s", b->code);
    CHECK(b->total_cents == q->total_cents);
    CHECK(b->subtotal_cents == q->subtotal_cents);
    CHECK(b->fees_cents == q->fees_cents);
    CHECK(b->tax_cents == q->tax_cents);
    CHECK(strcmp(b->tax_state, q->tax_state) == 0);
    CHECK(b->tax_rate_milli_percent == q->tax_rate_milli_percent);
    CHECK(strcmp(b->showtime.theatre_address.street, q->showtime.theatre_address.street) == 0);
    if (CHECK(b->ticket_count == 3))
        for (size_t i = 0; i < 3; i++) {
            const bo_ticket *t = ticket_for(b->tickets, 3, hold->seats[i]);
            if (CHECK(t != NULL)) {
                CHECK(t->type == types[i]);
                CHECK(t->price_cents == q->tickets[i].price_cents);
                CHECK(t->kind == BO_SEAT_KIND_STANDARD);
            }
        }
    /* A bought hold is ended: no more quotes for it. */
    CHECK_RC(h, bo_quote_hold(h, hold->hold_id, NULL, 0, NULL), BO_FAILED_PRECONDITION);
out:
    bo_booking_free(b);
    bo_quote_free(q);
    bo_hold_free(hold);
}

static void test_list_bookings_when(void *arg)
{
    struct live *c = arg;
    if (!CHECK(c->buyer != NULL && c->buyer_code[0] != '\0'))
        return;
    bo_client *h = c->buyer;
    bo_bookings *list;
    if (CHECK_RC(h, bo_list_bookings_when(h, BO_BOOKINGS_UPCOMING, 0, NULL, &list), BO_OK)) {
        if (CHECK(list->total == 1 && list->count == 1)) {
            CHECK(strcmp(list->items[0].code, c->buyer_code) == 0);
            CHECK(!list->items[0].showtime.started);
            CHECK(list->items[0].tax_state[0] != '\0');
        }
        bo_bookings_free(list);
    }
    if (CHECK_RC(h, bo_list_bookings_when(h, BO_BOOKINGS_PAST, 0, NULL, &list), BO_OK)) {
        CHECK(list->total == 0 && list->count == 0);
        bo_bookings_free(list);
    }
    if (CHECK_RC(h, bo_list_bookings_when(h, BO_BOOKINGS_ALL, 0, NULL, &list), BO_OK)) {
        CHECK(list->total == 1);
        bo_bookings_free(list);
    }
    CHECK_RC(h, bo_list_bookings_when(h, (bo_booking_time)7, 0, NULL, NULL),
             BO_INVALID_ARGUMENT);
}

/* Types by seat label reach the seat they name whatever the order given; seats left out are
 * adult. */
static void test_types_by_seat(void *arg)
{
    struct live *c = arg;
    char seats[3][LABEL_SIZE];
    bo_client *h = new_user(c, "Seat Typer");
    bo_hold *hold = NULL;
    bo_quote *q = NULL;
    bo_booking *b = NULL;
    if (h == NULL || !CHECK(available_seats(h, c->showtime_id, BO_SEAT_KIND_STANDARD, 3,
                                            seats) == 3))
        goto out;
    const char *asked[] = {seats[0], seats[1], seats[2]};
    if (!CHECK_RC(h, bo_hold_seats(h, c->showtime_id, asked, 3, &hold), BO_OK))
        goto out;

    const bo_seat_type quoted[] = {{seats[2], BO_TICKET_CHILD}, {seats[0], BO_TICKET_SENIOR}};
    if (CHECK_RC(h, bo_quote_hold_by_seat(h, hold->hold_id, quoted, 2, &q), BO_OK) &&
        CHECK(q->ticket_count == 3)) {
        /* In the hold's order, each with the type given for its seat. */
        CHECK(strcmp(q->tickets[0].seat, seats[0]) == 0 && q->tickets[0].type == BO_TICKET_SENIOR);
        CHECK(strcmp(q->tickets[1].seat, seats[1]) == 0 && q->tickets[1].type == BO_TICKET_ADULT);
        CHECK(strcmp(q->tickets[2].seat, seats[2]) == 0 && q->tickets[2].type == BO_TICKET_CHILD);
        check_money(&q->showtime, q->tickets, q->ticket_count, q->subtotal_cents, q->fees_cents,
                    q->tax_cents, q->total_cents, q->tax_state, q->tax_rate_milli_percent);
    }

    const bo_seat_type stranger[] = {{"ZZ99", BO_TICKET_CHILD}};
    CHECK_RC(h, bo_quote_hold_by_seat(h, hold->hold_id, stranger, 1, NULL), BO_INVALID_ARGUMENT);
    const bo_seat_type unnamed[] = {{seats[0], BO_TICKET_CHILD}, {NULL, BO_TICKET_CHILD}};
    CHECK_RC(h, bo_quote_hold_by_seat(h, hold->hold_id, unnamed, 2, NULL), BO_ERR_ARGUMENT);
    CHECK_RC(h, bo_purchase_by_seat(h, hold->hold_id, unnamed, 2, &test_card, NULL, NULL),
             BO_ERR_ARGUMENT);
    CHECK_RC(h, bo_purchase_by_seat(h, hold->hold_id, quoted, 2, NULL, NULL, NULL),
             BO_ERR_ARGUMENT);

    const bo_seat_type bought[] = {{seats[2], BO_TICKET_SENIOR}, {seats[1], BO_TICKET_CHILD}};
    char key[96];
    unique(key, sizeof key, "c-test-by-seat", "");
    if (!CHECK_RC(h, bo_purchase_by_seat(h, hold->hold_id, bought, 2, &test_card, key, &b),
                  BO_OK))
        goto out;
    const bo_ticket *t0 = ticket_for(b->tickets, b->ticket_count, seats[0]);
    const bo_ticket *t1 = ticket_for(b->tickets, b->ticket_count, seats[1]);
    const bo_ticket *t2 = ticket_for(b->tickets, b->ticket_count, seats[2]);
    CHECK(b->ticket_count == 3);
    CHECK(t0 != NULL && t0->type == BO_TICKET_ADULT);
    CHECK(t1 != NULL && t1->type == BO_TICKET_CHILD);
    CHECK(t2 != NULL && t2->type == BO_TICKET_SENIOR);
    check_money(&b->showtime, b->tickets, b->ticket_count, b->subtotal_cents, b->fees_cents,
                b->tax_cents, b->total_cents, b->tax_state, b->tax_rate_milli_percent);
out:
    bo_booking_free(b);
    bo_quote_free(q);
    bo_hold_free(hold);
    bo_close(h);
}

/* A showtime more than LEAD_MS away with an available premium seat, looking through the first
 * pages of the searches near ZIP; 0 when none is found. */
static int64_t premium_showtime(bo_client *h, char premium[LABEL_SIZE], char standard[LABEL_SIZE])
{
    const int64_t after = now_ms() + LEAD_MS;
    int maps_left = 40;
    for (int day = 0; day < 3; day++) {
        char date[11] = "";
        if (day > 0) {
            time_t t = time(NULL) + (time_t)day * 86400;
            struct tm tm;
            gmtime_r(&t, &tm);
            strftime(date, sizeof date, "%Y-%m-%d", &tm);
        }
        bo_showtime_query q = {.near = bo_near_zip(ZIP), .date = date, .page_size = 100,
                               .upcoming_only = 1};
        bo_showtimes *s;
        if (bo_search_showtimes(h, &q, &s) != BO_OK)
            continue;
        int64_t found = 0;
        for (size_t i = 0; i < s->count && found == 0 && maps_left > 0; i++) {
            if (s->items[i].starts_at_ms <= after || s->items[i].seats_left < MIN_SEATS_LEFT)
                continue;
            maps_left--;
            char p[1][LABEL_SIZE], st[1][LABEL_SIZE];
            if (available_seats(h, s->items[i].id, BO_SEAT_KIND_PREMIUM, 1, p) == 1 &&
                available_seats(h, s->items[i].id, BO_SEAT_KIND_STANDARD, 1, st) == 1) {
                memcpy(premium, p[0], LABEL_SIZE);
                memcpy(standard, st[0], LABEL_SIZE);
                found = s->items[i].id;
            }
        }
        bo_showtimes_free(s);
        if (found != 0)
            return found;
    }
    return 0;
}

static void test_premium_seat(void *arg)
{
    struct live *c = arg;
    char premium[LABEL_SIZE], standard[LABEL_SIZE];
    bo_client *h = new_user(c, "Premium Sitter");
    if (h == NULL)
        return;
    int64_t showtime_id = premium_showtime(h, premium, standard);
    bo_hold *hold = NULL;
    bo_quote *q = NULL;
    if (!CHECK(showtime_id > 0))
        goto out;
    const char *asked[] = {premium, standard};
    if (!CHECK_RC(h, bo_hold_seats(h, showtime_id, asked, 2, &hold), BO_OK))
        goto out;
    if (!CHECK_RC(h, bo_quote_hold(h, hold->hold_id, NULL, 0, &q), BO_OK))
        goto out;
    const bo_prices *p = &q->showtime.prices;
    CHECK(p->premium_extra_cents > 0);
    if (CHECK(q->ticket_count == 2)) {
        CHECK(strcmp(q->tickets[0].seat, premium) == 0);
        CHECK(q->tickets[0].kind == BO_SEAT_KIND_PREMIUM);
        CHECK(q->tickets[0].type == BO_TICKET_ADULT);
        CHECK(q->tickets[0].price_cents == p->adult_cents + p->premium_extra_cents);
        CHECK(q->tickets[1].kind == BO_SEAT_KIND_STANDARD);
        CHECK(q->tickets[1].price_cents == p->adult_cents);
    }
    check_money(&q->showtime, q->tickets, q->ticket_count, q->subtotal_cents, q->fees_cents,
                q->tax_cents, q->total_cents, q->tax_state, q->tax_rate_milli_percent);
    CHECK_RC(h, bo_release_hold(h, hold->hold_id, NULL), BO_OK);
out:
    bo_quote_free(q);
    bo_hold_free(hold);
    bo_close(h);
}

/* WhoAmI names the token's user; after SignOut the token is refused on every connection and
 * the handle has forgotten it; signing in again works. */
static void test_who_am_i_and_sign_out(void *arg)
{
    struct live *c = arg;
    bo_client *h = open_client(c);
    bo_client *other = open_client(c);
    char email[128];
    unique(email, sizeof email, "c-test-who", "@example.com");
    bo_session *s = NULL;
    bo_account *a = NULL;
    char *token = NULL;
    if (h == NULL || other == NULL ||
        !CHECK_RC(h, bo_sign_up(h, email, "Who Am I", PASSWORD, &s), BO_OK))
        goto out;
    if (!CHECK_RC(h, bo_who_am_i(h, &a), BO_OK))
        goto out;
    CHECK(a->user_id == s->user_id);
    CHECK(strcmp(a->name, "Who Am I") == 0);
    CHECK(strcmp(a->email, email) == 0);
    CHECK(a->token_expires_at_ms == s->expires_at_ms);
    bo_account_free(a);
    a = NULL;
    /* The same token on another connection is the same session. */
    CHECK(bo_set_token(other, s->token) == BO_OK);
    CHECK_RC(other, bo_who_am_i(other, NULL), BO_OK);

    token = strdup(s->token);
    if (!CHECK_RC(h, bo_sign_out(h), BO_OK))
        goto out;
    CHECK(bo_token(h)[0] == '\0');
    CHECK_RC(h, bo_who_am_i(h, &a), BO_UNAUTHENTICATED);
    CHECK(a == NULL);
    /* The old token, kept elsewhere, is dead too. */
    CHECK_RC(other, bo_who_am_i(other, NULL), BO_UNAUTHENTICATED);
    CHECK_RC(other, bo_list_holds(other, NULL), BO_UNAUTHENTICATED);
    CHECK_RC(other, bo_hold_best(other, c->showtime_id, 1, BO_SEAT_KIND_STANDARD, NULL),
             BO_UNAUTHENTICATED);
    /* Signing out a dead token fails, and the handle keeps it. */
    CHECK_RC(other, bo_sign_out(other), BO_UNAUTHENTICATED);
    CHECK(strcmp(bo_token(other), token) == 0);
    CHECK_RC(h, bo_sign_out(h), BO_UNAUTHENTICATED);

    if (CHECK_RC(h, bo_sign_in(h, email, PASSWORD, NULL), BO_OK)) {
        CHECK(strcmp(bo_token(h), token) != 0);
        if (CHECK_RC(h, bo_who_am_i(h, &a), BO_OK))
            CHECK(a->user_id == s->user_id);
    }
out:
    free(token);
    bo_account_free(a);
    bo_session_free(s);
    bo_close(other);
    bo_close(h);
}

/* The list's first page, which must hold all of the movie's reviews. */
static bo_reviews *reviews_of(bo_client *h, int64_t movie_id)
{
    bo_reviews *r;
    if (!CHECK_RC(h, bo_list_reviews(h, movie_id, 100, NULL, &r), BO_OK))
        return NULL;
    CHECK(r->movie.id == movie_id);
    CHECK(r->movie.title[0] != '\0');
    CHECK(r->total == r->count && r->next_page_token[0] == '\0');
    CHECK(r->movie.rating_count == r->total);
    return r;
}

static const bo_review *review_by(const bo_reviews *r, const char *name)
{
    for (size_t i = 0; i < r->count; i++)
        if (strcmp(r->items[i].reviewer_name, name) == 0)
            return &r->items[i];
    return NULL;
}

/* Rating needs a booking; the rating is listed under the reviewer's name and moves the movie's
 * average; a new rating replaces it; deleting it takes it out of the list and the average. */
static void test_reviews(void *arg)
{
    struct live *c = arg;
    char name[64];
    unique(name, sizeof name, "C Reviewer", "");
    bo_client *h = new_user(c, name);
    bo_reviews *before = NULL, *after = NULL;
    bo_review *mine = NULL, *edited = NULL;
    bo_hold *hold = NULL;
    if (h == NULL || (before = reviews_of(h, c->movie_id)) == NULL)
        goto out;
    const uint32_t n0 = before->movie.rating_count;
    const double sum0 = before->movie.average_stars * n0;
    CHECK(review_by(before, name) == NULL);

    CHECK_RC(h, bo_rate_movie(h, c->movie_id, 4, "No ticket, no say.", &mine),
             BO_FAILED_PRECONDITION);
    CHECK(mine == NULL);
    if (!CHECK_RC(h, bo_hold_best(h, c->showtime_id, 1, BO_SEAT_KIND_STANDARD, &hold), BO_OK))
        goto out;
    char key[96];
    unique(key, sizeof key, "c-test-reviewer", "");
    if (!CHECK_RC(h, bo_purchase(h, hold->hold_id, NULL, 0, &test_card, key, NULL), BO_OK))
        goto out;

    CHECK_RC(h, bo_rate_movie(h, c->movie_id, 0, NULL, NULL), BO_INVALID_ARGUMENT);
    CHECK_RC(h, bo_rate_movie(h, c->movie_id, 6, NULL, NULL), BO_INVALID_ARGUMENT);
    const char *text = "Worth the ticket.\nThe popcorn too.";
    if (!CHECK_RC(h, bo_rate_movie(h, c->movie_id, 4, text, &mine), BO_OK))
        goto out;
    CHECK(mine->movie_id == c->movie_id);
    CHECK(mine->stars == 4);
    CHECK(strcmp(mine->review, text) == 0);
    CHECK(strcmp(mine->reviewer_name, name) == 0);
    CHECK(mine->created_at_ms > 0 && mine->updated_at_ms == mine->created_at_ms);

    if ((after = reviews_of(h, c->movie_id)) != NULL) {
        const bo_review *listed = review_by(after, name);
        CHECK(after->total == before->total + 1);
        CHECK(after->movie.rating_count == n0 + 1);
        CHECK(distance(after->movie.average_stars, (sum0 + 4) / (n0 + 1)) < 1e-9);
        /* Newest first: ours was the last written. */
        CHECK(after->count > 0 && &after->items[0] == listed);
        if (CHECK(listed != NULL)) {
            CHECK(listed->stars == 4);
            CHECK(strcmp(listed->review, text) == 0);
        }
        bo_reviews_free(after);
        after = NULL;
    }

    /* One rating per user: rating again replaces it; a NULL review is none. */
    if (CHECK_RC(h, bo_rate_movie(h, c->movie_id, 2, NULL, &edited), BO_OK)) {
        CHECK(edited->stars == 2 && edited->review[0] == '\0');
        CHECK(edited->created_at_ms == mine->created_at_ms);
        CHECK(edited->updated_at_ms >= edited->created_at_ms);
    }
    if ((after = reviews_of(h, c->movie_id)) != NULL) {
        CHECK(after->movie.rating_count == n0 + 1);
        CHECK(distance(after->movie.average_stars, (sum0 + 2) / (n0 + 1)) < 1e-9);
        const bo_review *listed = review_by(after, name);
        CHECK(listed != NULL && listed->stars == 2);
        bo_reviews_free(after);
        after = NULL;
    }

    CHECK_RC(h, bo_delete_review(h, c->movie_id), BO_OK);
    if ((after = reviews_of(h, c->movie_id)) != NULL) {
        CHECK(review_by(after, name) == NULL);
        CHECK(after->total == before->total);
        CHECK(after->movie.rating_count == n0);
        CHECK(distance(after->movie.average_stars, before->movie.average_stars) < 1e-9);
    }
    CHECK_RC(h, bo_delete_review(h, c->movie_id), BO_NOT_FOUND);
    CHECK_RC(h, bo_list_reviews(h, 999999999, 0, NULL, NULL), BO_NOT_FOUND);
out:
    bo_reviews_free(before);
    bo_reviews_free(after);
    bo_review_free(mine);
    bo_review_free(edited);
    bo_hold_free(hold);
    bo_close(h);
}

/* "HH:MM" of an RFC 3339 local time, e.g. "19:00" of "2026-07-04T19:00:00-07:00". */
static int local_time_at_or_after(const char *rfc3339, const char *hhmm)
{
    return strlen(rfc3339) >= 16 && strncmp(rfc3339 + 11, hhmm, 5) >= 0;
}

/* upcoming_only leaves out the shows that have started, whose `started` is set; from_local_time
 * leaves out the earlier shows of the day. */
static void test_showtime_filters(void *arg)
{
    struct live *c = arg;
    bo_showtimes *s;
    bo_showtime_query q = {.near = bo_near_zip(ZIP), .page_size = 100};
    /* Today, every show: `started` says which have begun (a minute's slack for the clocks). */
    int rc = bo_search_showtimes(c->h, &q, &s);
    if (rc != BO_NOT_FOUND && CHECK_RC(c->h, rc, BO_OK)) {
        const int64_t now = now_ms();
        for (size_t i = 0; i < s->count; i++) {
            const bo_showtime *st = &s->items[i];
            if (st->starts_at_ms < now - 60000)
                CHECK(st->started);
            else if (st->starts_at_ms > now + 60000)
                CHECK(!st->started);
            CHECK(st->theatre_address.street[0] == '\0');
        }
        bo_showtimes_free(s);
    }
    q.upcoming_only = 1;
    rc = bo_search_showtimes(c->h, &q, &s);
    if (rc != BO_NOT_FOUND && CHECK_RC(c->h, rc, BO_OK)) {
        const int64_t now = now_ms();
        for (size_t i = 0; i < s->count; i++) {
            CHECK(!s->items[i].started);
            CHECK(s->items[i].starts_at_ms > now - 60000);
        }
        bo_showtimes_free(s);
    }

    /* Tomorrow by UTC is a day to come in every US zone, so it has shows after 18:00. */
    char date[11];
    time_t t = time(NULL) + 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(date, sizeof date, "%Y-%m-%d", &tm);
    bo_showtime_query evening = {.near = bo_near_zip(ZIP), .date = date, .page_size = 100,
                                 .from_local_time = "18:00"};
    if (CHECK_RC(c->h, bo_search_showtimes(c->h, &evening, &s), BO_OK)) {
        CHECK(s->count > 0);
        for (size_t i = 0; i < s->count; i++) {
            CHECK(local_time_at_or_after(s->items[i].starts_at_local, "18:00"));
            CHECK(!s->items[i].started);
        }
        bo_showtimes_free(s);
    }
    evening.from_local_time = "9:00";
    CHECK_RC(c->h, bo_search_showtimes(c->h, &evening, NULL), BO_INVALID_ARGUMENT);
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
    run_test("bo_version is BO_VERSION", test_version, &c);
    run_test("list holds: asked seat order, showtime, gone after release", test_list_holds, &c);
    run_test("quote: total is subtotal + fees + tax, and the purchase's total",
             test_quote_and_purchase, &c);
    run_test("list bookings: upcoming, past, all", test_list_bookings_when, &c);
    run_test("ticket types by seat: quote and purchase", test_types_by_seat, &c);
    run_test("premium seat costs premium_extra_cents more", test_premium_seat, &c);
    run_test("who am I, sign out, then UNAUTHENTICATED", test_who_am_i_and_sign_out, &c);
    run_test("reviews: FAILED_PRECONDITION without a booking, rate, list, edit, delete",
             test_reviews, &c);
    run_test("search showtimes: upcoming only, from a local time", test_showtime_filters, &c);
    bo_hold_free(c.hold);
    bo_close(c.buyer);
    bo_close(c.h);
}
