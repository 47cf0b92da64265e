/* boxoffice-c HOST PORT ZIP: books two seats near a ZIP code, end to end.
 *
 * Searches theatres and showtimes near the ZIP, picks the first showtime more than an hour away
 * that has not started, draws its seat map, signs up a fresh user, holds the two best seats,
 * quotes them (an adult and a child ticket), buys them with the test card, prints the receipt
 * with the confirmation code, and signs out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "boxoffice.h"

#define TIMEOUT_MS 15000
/* Far enough ahead that the show cannot start while we are buying. */
#define LEAD_MS (60 * 60 * 1000)
#define DAYS_TO_TRY 3

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* "$12.34" into buf. */
static const char *dollars(char buf[32], int64_t cents)
{
    snprintf(buf, 32, "%s$%lld.%02lld", cents < 0 ? "-" : "", (long long)(llabs(cents) / 100),
             (long long)(llabs(cents) % 100));
    return buf;
}

static const char *type_name(bo_ticket_type type)
{
    switch (type) {
    case BO_TICKET_CHILD:
        return "child";
    case BO_TICKET_SENIOR:
        return "senior";
    default:
        return "adult";
    }
}

static int fail(bo_client *h, const char *what)
{
    fflush(stdout);
    fprintf(stderr, "boxoffice-c: %s: %s (%d): %s\n", what, bo_code_name(bo_errcode(h)),
            bo_errcode(h), bo_errmsg(h));
    return 1;
}

static void print_theatres(bo_client *h, const char *zip)
{
    bo_theatre_query q = {.near = bo_near_zip(zip), .page_size = 5};
    bo_theatres *t;
    if (bo_search_theatres(h, &q, &t) != BO_OK) {
        fail(h, "search theatres");
        return;
    }
    printf("Theatres near %s (%u in all):\n", zip, t->total);
    for (size_t i = 0; i < t->count; i++) {
        const bo_theatre *th = &t->items[i].theatre;
        printf("  %5.1f mi  %s, %s, %s %s\n", t->items[i].distance_miles, th->name,
               th->address.street, th->address.city, th->address.state);
    }
    bo_theatres_free(t);
}

/* The first showtime near zip that starts after `after`, searching today (the theatres' own
 * today) and then the next days. Later days are named by their UTC date, which can skip the
 * theatres' tomorrow late in the evening; a later day has showtimes just as well. On success
 * *page owns the showtime that is returned. */
static const bo_showtime *pick_showtime(bo_client *h, const char *zip, int64_t after,
                                        bo_showtimes **page)
{
    for (int day = 0; day < DAYS_TO_TRY; day++) {
        char date[11] = "";
        if (day > 0) {
            time_t t = time(NULL) + (time_t)day * 86400;
            struct tm tm;
            gmtime_r(&t, &tm);
            strftime(date, sizeof date, "%Y-%m-%d", &tm);
        }
        bo_showtime_query q = {.near = bo_near_zip(zip), .date = date, .page_size = 100,
                               .upcoming_only = 1};
        char *token = NULL;
        do {
            q.page_token = token;
            bo_showtimes *s;
            int rc = bo_search_showtimes(h, &q, &s);
            free(token);
            token = NULL;
            if (rc != BO_OK)
                break;
            for (size_t i = 0; i < s->count; i++)
                if (s->items[i].starts_at_ms > after) {
                    *page = s;
                    return &s->items[i];
                }
            if (s->next_page_token[0] != '\0')
                token = strdup(s->next_page_token);
            bo_showtimes_free(s);
        } while (token != NULL);
    }
    return NULL;
}

static char seat_symbol(const bo_seat *seat)
{
    switch (seat->state) {
    case BO_SEAT_STATE_HELD:
        return 'H';
    case BO_SEAT_STATE_SOLD:
        return 'X';
    default:
        return '.';
    }
}

/* One text line per row, e.g. "A  . . X H .", with a gap wherever the columns skip an aisle. */
static void print_seat_map(const bo_seat_map *m)
{
    printf("Seat map of %s (%u available, %u held, %u sold; . free  H held  X sold):\n",
           m->screen.name, m->available, m->held, m->sold);
    for (size_t r = 0; r < m->screen.row_count; r++) {
        const bo_seat_row *row = &m->screen.rows[r];
        printf("  %-2s", row->label);
        uint32_t column = 0;
        for (size_t i = 0; i < row->seat_count; i++) {
            for (; column < row->seats[i].column; column++)
                printf("  ");
            printf(" %c", seat_symbol(&row->seats[i]));
            column++;
        }
        printf("\n");
    }
}

static int book(bo_client *h, const bo_showtime *show)
{
    char email[96], key[64];
    snprintf(email, sizeof email, "c-example-%ld-%lld@example.com", (long)getpid(),
             (long long)now_ms());
    if (bo_sign_up(h, email, "C Example", "correct horse battery staple", NULL) != BO_OK)
        return fail(h, "sign up");
    printf("Signed up %s\n", email);

    bo_hold *hold;
    if (bo_hold_best(h, show->id, 2, BO_SEAT_KIND_STANDARD, &hold) != BO_OK)
        return fail(h, "hold seats");
    printf("Held");
    for (size_t i = 0; i < hold->seat_count; i++)
        printf(" %s", hold->seats[i]);
    printf(" for %lld s (hold %s)\n", (long long)((hold->expires_at_ms - now_ms()) / 1000),
           hold->hold_id);

    /* Holds are all or nothing, so there are two seats. Types go by seat rather than by
     * position, so they stay right whatever order the seats are in. */
    const bo_seat_type types[] = {{hold->seats[0], BO_TICKET_ADULT},
                                  {hold->seats[1], BO_TICKET_CHILD}};
    const size_t type_count = 2;
    char a[32], b[32], c[32], d[32];
    bo_quote *quote;
    if (bo_quote_hold_by_seat(h, hold->hold_id, types, type_count, &quote) != BO_OK) {
        fail(h, "quote");
        bo_release_hold(h, hold->hold_id, NULL);
        bo_hold_free(hold);
        return 1;
    }
    printf("Quote: tickets %s + fees %s + %s tax at %u.%03u %% %s = %s\n",
           dollars(a, quote->subtotal_cents), dollars(b, quote->fees_cents), quote->tax_state,
           quote->tax_rate_milli_percent / 1000, quote->tax_rate_milli_percent % 1000,
           dollars(c, quote->tax_cents), dollars(d, quote->total_cents));
    bo_quote_free(quote);

    const bo_card card = {.number = "4242424242424242", .exp_month = 12, .exp_year = 2030,
                          .cvc = "123", .zip = "10001"};
    /* A fresh key per purchase: a retry of this same purchase would reuse it. */
    snprintf(key, sizeof key, "boxoffice-c-%ld-%lld", (long)getpid(), (long long)now_ms());
    bo_booking *booking;
    int rc = bo_purchase_by_seat(h, hold->hold_id, types, type_count, &card, key, &booking);
    if (rc != BO_OK) {
        fail(h, "purchase");
        /* Give the seats back now rather than when the hold expires. */
        bo_release_hold(h, hold->hold_id, NULL);
        bo_hold_free(hold);
        return 1;
    }
    bo_hold_free(hold);
    const bo_showtime *show_booked = &booking->showtime;
    const bo_address *addr = &show_booked->theatre_address;
    printf("Booked %s at %s, %s, %s %s %s, %s\n", show_booked->movie_title,
           show_booked->theatre_name, addr->street, addr->city, addr->state, addr->zip,
           show_booked->starts_at_local);
    for (size_t i = 0; i < booking->ticket_count; i++) {
        const bo_ticket *t = &booking->tickets[i];
        printf("  %-4s %-6s %s%s\n", t->seat, type_name(t->type), dollars(a, t->price_cents),
               t->kind == BO_SEAT_KIND_PREMIUM ? " (premium seat)" : "");
    }
    printf("Total %s, card %s ending %s\n", dollars(a, booking->total_cents), booking->card_brand,
           booking->card_last4);
    printf("Confirmation code: %s\n", booking->code);
    bo_booking_free(booking);

    /* Ends the session on the server too, not only in this handle. */
    if (bo_sign_out(h) != BO_OK)
        return fail(h, "sign out");
    printf("Signed out\n");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s HOST PORT ZIP\n", argv[0]);
        return 2;
    }
    const char *zip = argv[3];
    char *end;
    long port = strtol(argv[2], &end, 10);
    if (*end != '\0' || port <= 0 || port > 65535) {
        fprintf(stderr, "boxoffice-c: bad port %s\n", argv[2]);
        return 2;
    }
    bo_client *h = bo_connect(argv[1], (uint16_t)port, TIMEOUT_MS);
    if (h == NULL) {
        fprintf(stderr, "boxoffice-c: %s\n", bo_connect_errmsg());
        return 1;
    }

    print_theatres(h, zip);

    bo_showtimes *page = NULL;
    const bo_showtime *show = pick_showtime(h, zip, now_ms() + LEAD_MS, &page);
    int status = 1;
    if (show == NULL) {
        fprintf(stderr, "boxoffice-c: no showtime near %s starts more than an hour from now\n",
                zip);
        goto done;
    }
    printf("Showtime %lld: %s at %s, %s, %s\n", (long long)show->id, show->movie_title,
           show->theatre_name, show->screen_name, show->starts_at_local);

    bo_seat_map *map;
    if (bo_get_seat_map(h, show->id, &map) != BO_OK) {
        status = fail(h, "seat map");
        goto done;
    }
    print_seat_map(map);
    bo_seat_map_free(map);

    status = book(h, show);
done:
    bo_showtimes_free(page);
    bo_close(h);
    return status;
}
