/* Copies of protobuf-c answers into the public structs, so that generated types never reach the
 * caller and an answer can be freed as soon as it is converted.
 *
 * Every helper takes an `ok` flag that a failed allocation clears; the caller checks it once and
 * frees the half-built result with its public free function, which copes with NULL members. An
 * absent submessage reads as its empty default, so the public structs never hold NULL strings. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static char *dup_str(const char *s, int *ok)
{
    char *d = strdup(s ? s : "");
    if (d == NULL)
        *ok = 0;
    return d;
}

/* An array of n zeroed elements; *count is set only once it exists, so free functions never walk
 * past what was allocated. */
static void *alloc_array(size_t n, size_t size, size_t *count, int *ok)
{
    *count = 0;
    if (n == 0)
        return NULL;
    void *p = calloc(n, size);
    if (p == NULL)
        *ok = 0;
    else
        *count = n;
    return p;
}

static char **dup_strs(char **src, size_t n, size_t *count, int *ok)
{
    char **dst = alloc_array(n, sizeof *dst, count, ok);
    for (size_t i = 0; i < *count; i++)
        dst[i] = dup_str(src[i], ok);
    return dst;
}

static void fill_address(bo_address *d, const Boxoffice__V1__Address *s, int *ok)
{
    static const Boxoffice__V1__Address empty = BOXOFFICE__V1__ADDRESS__INIT;
    if (s == NULL)
        s = &empty;
    d->street = dup_str(s->street, ok);
    d->city = dup_str(s->city, ok);
    d->state = dup_str(s->state, ok);
    d->zip = dup_str(s->zip, ok);
}

static void fill_theatre(bo_theatre *d, const Boxoffice__V1__Theatre *s, int *ok)
{
    static const Boxoffice__V1__Theatre empty = BOXOFFICE__V1__THEATRE__INIT;
    if (s == NULL)
        s = &empty;
    d->id = s->id;
    d->chain = dup_str(s->chain, ok);
    d->name = dup_str(s->name, ok);
    fill_address(&d->address, s->address, ok);
    if (s->position) {
        d->position.latitude = s->position->latitude;
        d->position.longitude = s->position->longitude;
    }
    d->time_zone = dup_str(s->time_zone, ok);
    d->screen_count = s->screen_count;
}

static void fill_screen(bo_screen *d, const Boxoffice__V1__Screen *s, int *ok)
{
    static const Boxoffice__V1__Screen empty = BOXOFFICE__V1__SCREEN__INIT;
    if (s == NULL)
        s = &empty;
    d->id = s->id;
    d->theatre_id = s->theatre_id;
    d->name = dup_str(s->name, ok);
    d->format = (bo_screen_format)s->format;
    d->capacity = s->capacity;
    d->rows = alloc_array(s->n_rows, sizeof *d->rows, &d->row_count, ok);
    for (size_t r = 0; r < d->row_count; r++) {
        const Boxoffice__V1__SeatRow *sr = s->rows[r];
        bo_seat_row *dr = &d->rows[r];
        dr->label = dup_str(sr->label, ok);
        dr->seats = alloc_array(sr->n_seats, sizeof *dr->seats, &dr->seat_count, ok);
        for (size_t i = 0; i < dr->seat_count; i++) {
            const Boxoffice__V1__Seat *ss = sr->seats[i];
            dr->seats[i].label = dup_str(ss->label, ok);
            dr->seats[i].number = ss->number;
            dr->seats[i].column = ss->column;
            dr->seats[i].kind = (bo_seat_kind)ss->kind;
            dr->seats[i].state = (bo_seat_state)ss->state;
        }
    }
}

static void fill_movie(bo_movie *d, const Boxoffice__V1__Movie *s, int *ok)
{
    static const Boxoffice__V1__Movie empty = BOXOFFICE__V1__MOVIE__INIT;
    if (s == NULL)
        s = &empty;
    d->id = s->id;
    d->title = dup_str(s->title, ok);
    d->rating = dup_str(s->rating, ok);
    d->runtime_minutes = s->runtime_minutes;
    d->genres = dup_strs(s->genres, s->n_genres, &d->genre_count, ok);
    d->release_date = dup_str(s->release_date, ok);
    d->average_stars = s->average_stars;
    d->rating_count = s->rating_count;
}

static void fill_showtime(bo_showtime *d, const Boxoffice__V1__Showtime *s, int *ok)
{
    static const Boxoffice__V1__Showtime empty = BOXOFFICE__V1__SHOWTIME__INIT;
    if (s == NULL)
        s = &empty;
    d->id = s->id;
    d->theatre_id = s->theatre_id;
    d->theatre_name = dup_str(s->theatre_name, ok);
    d->movie_id = s->movie_id;
    d->movie_title = dup_str(s->movie_title, ok);
    d->screen_id = s->screen_id;
    d->screen_name = dup_str(s->screen_name, ok);
    d->starts_at_ms = s->starts_at_ms;
    d->starts_at_local = dup_str(s->starts_at_local, ok);
    d->time_zone = dup_str(s->time_zone, ok);
    d->format = (bo_screen_format)s->format;
    d->language = dup_str(s->language, ok);
    if (s->prices) {
        d->prices.adult_cents = s->prices->adult_cents;
        d->prices.child_cents = s->prices->child_cents;
        d->prices.senior_cents = s->prices->senior_cents;
        d->prices.premium_extra_cents = s->prices->premium_extra_cents;
    }
    d->capacity = s->capacity;
    d->seats_left = s->seats_left;
    d->distance_miles = s->distance_miles;
    d->started = s->started;
    fill_address(&d->theatre_address, s->theatre_address, ok);
}

static bo_ticket *tickets_from(Boxoffice__V1__Ticket **src, size_t n, size_t *count, int *ok)
{
    bo_ticket *dst = alloc_array(n, sizeof *dst, count, ok);
    for (size_t i = 0; i < *count; i++) {
        dst[i].seat = dup_str(src[i]->seat, ok);
        dst[i].type = (bo_ticket_type)src[i]->type;
        dst[i].price_cents = src[i]->price_cents;
        dst[i].kind = (bo_seat_kind)src[i]->kind;
    }
    return dst;
}

static void fill_hold(bo_hold *d, const Boxoffice__V1__Hold *s, int *ok)
{
    d->hold_id = dup_str(s->hold_id, ok);
    d->showtime_id = s->showtime_id;
    d->seats = dup_strs(s->seats, s->n_seats, &d->seat_count, ok);
    d->expires_at_ms = s->expires_at_ms;
    fill_showtime(&d->showtime, s->showtime, ok);
}

static void fill_review(bo_review *d, const Boxoffice__V1__Review *s, int *ok)
{
    d->movie_id = s->movie_id;
    d->stars = s->stars;
    d->review = dup_str(s->review, ok);
    d->reviewer_name = dup_str(s->reviewer_name, ok);
    d->created_at_ms = s->created_at_ms;
    d->updated_at_ms = s->updated_at_ms;
}

static void fill_booking(bo_booking *d, const Boxoffice__V1__Booking *s, int *ok)
{
    d->code = dup_str(s->code, ok);
    fill_showtime(&d->showtime, s->showtime, ok);
    d->tickets = tickets_from(s->tickets, s->n_tickets, &d->ticket_count, ok);
    d->subtotal_cents = s->subtotal_cents;
    d->fees_cents = s->fees_cents;
    d->tax_cents = s->tax_cents;
    d->total_cents = s->total_cents;
    d->state = (bo_booking_state)s->state;
    d->card_brand = dup_str(s->card_brand, ok);
    d->card_last4 = dup_str(s->card_last4, ok);
    d->created_at_ms = s->created_at_ms;
    d->cancelled_at_ms = s->cancelled_at_ms;
    d->refunded_cents = s->refunded_cents;
    d->tax_state = dup_str(s->tax_state, ok);
    d->tax_rate_milli_percent = s->tax_rate_milli_percent;
}

bo_info *bo_info_from(const Boxoffice__V1__ServerInfo *s)
{
    static const Boxoffice__V1__CatalogueSummary no_catalogue =
        BOXOFFICE__V1__CATALOGUE_SUMMARY__INIT;
    static const Boxoffice__V1__Limits no_limits = BOXOFFICE__V1__LIMITS__INIT;
    bo_info *d = calloc(1, sizeof *d);
    if (d == NULL)
        return NULL;
    int ok = 1;
    const Boxoffice__V1__CatalogueSummary *c = s->catalogue ? s->catalogue : &no_catalogue;
    const Boxoffice__V1__Limits *l = s->limits ? s->limits : &no_limits;
    d->version = dup_str(s->version, &ok);
    d->protocol_version = s->protocol_version;
    d->uptime_ms = s->uptime_ms;
    d->ready = s->ready;
    d->catalogue.theatres = c->theatres;
    d->catalogue.screens = c->screens;
    d->catalogue.movies = c->movies;
    d->catalogue.showtimes = c->showtimes;
    d->catalogue.first_date = dup_str(c->first_date, &ok);
    d->catalogue.last_date = dup_str(c->last_date, &ok);
    d->limits.max_frame_bytes = l->max_frame_bytes;
    d->limits.default_deadline_ms = l->default_deadline_ms;
    d->limits.idle_timeout_ms = l->idle_timeout_ms;
    d->limits.max_page_size = l->max_page_size;
    d->limits.hold_seconds = l->hold_seconds;
    d->limits.max_seats_per_hold = l->max_seats_per_hold;
    d->limits.max_calls_in_flight_per_connection = l->max_calls_in_flight_per_connection;
    if (!ok) {
        bo_info_free(d);
        return NULL;
    }
    return d;
}

bo_theatres *bo_theatres_from(const Boxoffice__V1__SearchTheatresResponse *s)
{
    bo_theatres *d = calloc(1, sizeof *d);
    if (d == NULL)
        return NULL;
    int ok = 1;
    d->items = alloc_array(s->n_theatres, sizeof *d->items, &d->count, &ok);
    for (size_t i = 0; i < d->count; i++) {
        fill_theatre(&d->items[i].theatre, s->theatres[i]->theatre, &ok);
        d->items[i].distance_miles = s->theatres[i]->distance_miles;
    }
    d->total = s->total;
    d->next_page_token = dup_str(s->next_page_token, &ok);
    if (!ok) {
        bo_theatres_free(d);
        return NULL;
    }
    return d;
}

bo_movies *bo_movies_from(const Boxoffice__V1__SearchMoviesResponse *s)
{
    bo_movies *d = calloc(1, sizeof *d);
    if (d == NULL)
        return NULL;
    int ok = 1;
    d->items = alloc_array(s->n_movies, sizeof *d->items, &d->count, &ok);
    for (size_t i = 0; i < d->count; i++)
        fill_movie(&d->items[i], s->movies[i], &ok);
    d->total = s->total;
    d->next_page_token = dup_str(s->next_page_token, &ok);
    if (!ok) {
        bo_movies_free(d);
        return NULL;
    }
    return d;
}

bo_showtimes *bo_showtimes_from(const Boxoffice__V1__SearchShowtimesResponse *s)
{
    bo_showtimes *d = calloc(1, sizeof *d);
    if (d == NULL)
        return NULL;
    int ok = 1;
    d->items = alloc_array(s->n_showtimes, sizeof *d->items, &d->count, &ok);
    for (size_t i = 0; i < d->count; i++)
        fill_showtime(&d->items[i], s->showtimes[i], &ok);
    d->total = s->total;
    d->next_page_token = dup_str(s->next_page_token, &ok);
    if (!ok) {
        bo_showtimes_free(d);
        return NULL;
    }
    return d;
}

bo_screens *bo_screens_from(const Boxoffice__V1__ListScreensResponse *s)
{
    bo_screens *d = calloc(1, sizeof *d);
    if (d == NULL)
        return NULL;
    int ok = 1;
    fill_theatre(&d->theatre, s->theatre, &ok);
    d->items = alloc_array(s->n_screens, sizeof *d->items, &d->count, &ok);
    for (size_t i = 0; i < d->count; i++)
        fill_screen(&d->items[i], s->screens[i], &ok);
    d->total = s->total;
    d->next_page_token = dup_str(s->next_page_token, &ok);
    if (!ok) {
        bo_screens_free(d);
        return NULL;
    }
    return d;
}

bo_seat_map *bo_seat_map_from(const Boxoffice__V1__SeatMap *s)
{
    bo_seat_map *d = calloc(1, sizeof *d);
    if (d == NULL)
        return NULL;
    int ok = 1;
    fill_showtime(&d->showtime, s->showtime, &ok);
    fill_screen(&d->screen, s->screen, &ok);
    d->available = s->available;
    d->held = s->held;
    d->sold = s->sold;
    if (!ok) {
        bo_seat_map_free(d);
        return NULL;
    }
    return d;
}

bo_session *bo_session_from(const Boxoffice__V1__AuthSession *s)
{
    bo_session *d = calloc(1, sizeof *d);
    if (d == NULL)
        return NULL;
    int ok = 1;
    d->token = dup_str(s->token, &ok);
    d->user_id = s->user_id;
    d->name = dup_str(s->name, &ok);
    d->email = dup_str(s->email, &ok);
    d->expires_at_ms = s->expires_at_ms;
    if (!ok) {
        bo_session_free(d);
        return NULL;
    }
    return d;
}

bo_account *bo_account_from(const Boxoffice__V1__Account *s)
{
    bo_account *d = calloc(1, sizeof *d);
    if (d == NULL)
        return NULL;
    int ok = 1;
    d->user_id = s->user_id;
    d->name = dup_str(s->name, &ok);
    d->email = dup_str(s->email, &ok);
    d->token_expires_at_ms = s->token_expires_at_ms;
    if (!ok) {
        bo_account_free(d);
        return NULL;
    }
    return d;
}

bo_hold *bo_hold_from(const Boxoffice__V1__Hold *s)
{
    bo_hold *d = calloc(1, sizeof *d);
    if (d == NULL)
        return NULL;
    int ok = 1;
    fill_hold(d, s, &ok);
    if (!ok) {
        bo_hold_free(d);
        return NULL;
    }
    return d;
}

bo_released *bo_released_from(const Boxoffice__V1__ReleaseHoldResponse *s)
{
    bo_released *d = calloc(1, sizeof *d);
    if (d == NULL)
        return NULL;
    int ok = 1;
    d->seats = dup_strs(s->released_seats, s->n_released_seats, &d->count, &ok);
    if (!ok) {
        bo_released_free(d);
        return NULL;
    }
    return d;
}

bo_booking *bo_booking_from(const Boxoffice__V1__Booking *s)
{
    bo_booking *d = calloc(1, sizeof *d);
    if (d == NULL)
        return NULL;
    int ok = 1;
    fill_booking(d, s, &ok);
    if (!ok) {
        bo_booking_free(d);
        return NULL;
    }
    return d;
}

bo_bookings *bo_bookings_from(const Boxoffice__V1__ListBookingsResponse *s)
{
    bo_bookings *d = calloc(1, sizeof *d);
    if (d == NULL)
        return NULL;
    int ok = 1;
    d->items = alloc_array(s->n_bookings, sizeof *d->items, &d->count, &ok);
    for (size_t i = 0; i < d->count; i++)
        fill_booking(&d->items[i], s->bookings[i], &ok);
    d->total = s->total;
    d->next_page_token = dup_str(s->next_page_token, &ok);
    if (!ok) {
        bo_bookings_free(d);
        return NULL;
    }
    return d;
}

bo_holds *bo_holds_from(const Boxoffice__V1__ListHoldsResponse *s)
{
    bo_holds *d = calloc(1, sizeof *d);
    if (d == NULL)
        return NULL;
    int ok = 1;
    d->items = alloc_array(s->n_holds, sizeof *d->items, &d->count, &ok);
    for (size_t i = 0; i < d->count; i++)
        fill_hold(&d->items[i], s->holds[i], &ok);
    if (!ok) {
        bo_holds_free(d);
        return NULL;
    }
    return d;
}

bo_quote *bo_quote_from(const Boxoffice__V1__Quote *s)
{
    bo_quote *d = calloc(1, sizeof *d);
    if (d == NULL)
        return NULL;
    int ok = 1;
    d->hold_id = dup_str(s->hold_id, &ok);
    fill_showtime(&d->showtime, s->showtime, &ok);
    d->tickets = tickets_from(s->tickets, s->n_tickets, &d->ticket_count, &ok);
    d->subtotal_cents = s->subtotal_cents;
    d->fees_cents = s->fees_cents;
    d->tax_cents = s->tax_cents;
    d->total_cents = s->total_cents;
    d->tax_state = dup_str(s->tax_state, &ok);
    d->tax_rate_milli_percent = s->tax_rate_milli_percent;
    d->hold_expires_at_ms = s->hold_expires_at_ms;
    if (!ok) {
        bo_quote_free(d);
        return NULL;
    }
    return d;
}

bo_review *bo_review_from(const Boxoffice__V1__Review *s)
{
    bo_review *d = calloc(1, sizeof *d);
    if (d == NULL)
        return NULL;
    int ok = 1;
    fill_review(d, s, &ok);
    if (!ok) {
        bo_review_free(d);
        return NULL;
    }
    return d;
}

bo_reviews *bo_reviews_from(const Boxoffice__V1__ListReviewsResponse *s)
{
    bo_reviews *d = calloc(1, sizeof *d);
    if (d == NULL)
        return NULL;
    int ok = 1;
    fill_movie(&d->movie, s->movie, &ok);
    d->items = alloc_array(s->n_reviews, sizeof *d->items, &d->count, &ok);
    for (size_t i = 0; i < d->count; i++)
        fill_review(&d->items[i], s->reviews[i], &ok);
    d->total = s->total;
    d->next_page_token = dup_str(s->next_page_token, &ok);
    if (!ok) {
        bo_reviews_free(d);
        return NULL;
    }
    return d;
}
