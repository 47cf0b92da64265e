/* One function per RPC: build the call's request message, send it with bo_call, and copy the
 * answer into the public structs. */
#include <stdlib.h>

#include "internal.h"

/* protobuf-c's request fields are `char *` but packing only reads them, so the caller's const
 * strings can go in as they are; NULL becomes proto3's empty string. */
static char *str(const char *s)
{
    return (char *)(s ? s : "");
}

/* Frees the answer; `copied` says whether the caller's copy was made (or not wanted). */
static int deliver(bo_client *h, Boxoffice__V1__Response *r, int copied)
{
    boxoffice__v1__response__free_unpacked(r, NULL);
    return copied ? BO_OK : bo_fail(h, BO_ERR_NOMEM, "out of memory copying the answer");
}

bo_location bo_near_zip(const char *zip)
{
    return (bo_location){.kind = BO_NEAR_ZIP, .text = zip};
}

bo_location bo_near_city_state(const char *city_state)
{
    return (bo_location){.kind = BO_NEAR_CITY_STATE, .text = city_state};
}

bo_location bo_near_lat_lng(double latitude, double longitude)
{
    return (bo_location){.kind = BO_NEAR_LAT_LNG, .lat_lng = {latitude, longitude}};
}

/* The wire Location for near, built in caller-provided storage; NULL when none is given. */
static Boxoffice__V1__Location *location(const bo_location *near, Boxoffice__V1__Location *loc,
                                         Boxoffice__V1__LatLng *ll)
{
    boxoffice__v1__location__init(loc);
    boxoffice__v1__lat_lng__init(ll);
    switch (near->kind) {
    case BO_NEAR_ZIP:
        loc->place_case = BOXOFFICE__V1__LOCATION__PLACE_ZIP;
        loc->zip = str(near->text);
        return loc;
    case BO_NEAR_CITY_STATE:
        loc->place_case = BOXOFFICE__V1__LOCATION__PLACE_CITY_STATE;
        loc->city_state = str(near->text);
        return loc;
    case BO_NEAR_LAT_LNG:
        ll->latitude = near->lat_lng.latitude;
        ll->longitude = near->lat_lng.longitude;
        loc->place_case = BOXOFFICE__V1__LOCATION__PLACE_LAT_LNG;
        loc->lat_lng = ll;
        return loc;
    case BO_NEAR_NONE:
        break;
    }
    return NULL;
}

int bo_get_info(bo_client *h, bo_info **out)
{
    if (out)
        *out = NULL;
    Boxoffice__V1__GetInfoRequest m = BOXOFFICE__V1__GET_INFO_REQUEST__INIT;
    Boxoffice__V1__Request req = BOXOFFICE__V1__REQUEST__INIT;
    req.call_case = BOXOFFICE__V1__REQUEST__CALL_GET_INFO;
    req.get_info = &m;
    Boxoffice__V1__Response *r;
    int rc = bo_call(h, &req, NULL, &r);
    if (rc != BO_OK)
        return rc;
    return deliver(h, r, !out || (*out = bo_info_from(r->get_info)) != NULL);
}

int bo_search_theatres(bo_client *h, const bo_theatre_query *q, bo_theatres **out)
{
    if (out)
        *out = NULL;
    if (q == NULL)
        return bo_fail(h, BO_ERR_ARGUMENT, "bo_search_theatres: query is NULL");
    Boxoffice__V1__Location loc;
    Boxoffice__V1__LatLng ll;
    Boxoffice__V1__SearchTheatresRequest m = BOXOFFICE__V1__SEARCH_THEATRES_REQUEST__INIT;
    m.near = location(&q->near, &loc, &ll);
    m.radius_miles = q->radius_miles;
    m.movie_id = q->movie_id;
    m.date = str(q->date);
    m.page_size = q->page_size;
    m.page_token = str(q->page_token);
    Boxoffice__V1__Request req = BOXOFFICE__V1__REQUEST__INIT;
    req.call_case = BOXOFFICE__V1__REQUEST__CALL_SEARCH_THEATRES;
    req.search_theatres = &m;
    Boxoffice__V1__Response *r;
    int rc = bo_call(h, &req, NULL, &r);
    if (rc != BO_OK)
        return rc;
    return deliver(h, r, !out || (*out = bo_theatres_from(r->search_theatres)) != NULL);
}

int bo_search_movies(bo_client *h, const bo_movie_query *q, bo_movies **out)
{
    if (out)
        *out = NULL;
    if (q == NULL)
        return bo_fail(h, BO_ERR_ARGUMENT, "bo_search_movies: query is NULL");
    Boxoffice__V1__Location loc;
    Boxoffice__V1__LatLng ll;
    Boxoffice__V1__SearchMoviesRequest m = BOXOFFICE__V1__SEARCH_MOVIES_REQUEST__INIT;
    m.title = str(q->title);
    m.near = location(&q->near, &loc, &ll);
    m.radius_miles = q->radius_miles;
    m.date = str(q->date);
    m.page_size = q->page_size;
    m.page_token = str(q->page_token);
    Boxoffice__V1__Request req = BOXOFFICE__V1__REQUEST__INIT;
    req.call_case = BOXOFFICE__V1__REQUEST__CALL_SEARCH_MOVIES;
    req.search_movies = &m;
    Boxoffice__V1__Response *r;
    int rc = bo_call(h, &req, NULL, &r);
    if (rc != BO_OK)
        return rc;
    return deliver(h, r, !out || (*out = bo_movies_from(r->search_movies)) != NULL);
}

int bo_search_showtimes(bo_client *h, const bo_showtime_query *q, bo_showtimes **out)
{
    if (out)
        *out = NULL;
    if (q == NULL)
        return bo_fail(h, BO_ERR_ARGUMENT, "bo_search_showtimes: query is NULL");
    Boxoffice__V1__Location loc;
    Boxoffice__V1__LatLng ll;
    Boxoffice__V1__SearchShowtimesRequest m = BOXOFFICE__V1__SEARCH_SHOWTIMES_REQUEST__INIT;
    m.theatre_id = q->theatre_id;
    m.movie_id = q->movie_id;
    m.near = location(&q->near, &loc, &ll);
    m.radius_miles = q->radius_miles;
    m.date = str(q->date);
    m.page_size = q->page_size;
    m.page_token = str(q->page_token);
    m.from_local_time = str(q->from_local_time);
    m.upcoming_only = q->upcoming_only != 0;
    Boxoffice__V1__Request req = BOXOFFICE__V1__REQUEST__INIT;
    req.call_case = BOXOFFICE__V1__REQUEST__CALL_SEARCH_SHOWTIMES;
    req.search_showtimes = &m;
    Boxoffice__V1__Response *r;
    int rc = bo_call(h, &req, NULL, &r);
    if (rc != BO_OK)
        return rc;
    return deliver(h, r, !out || (*out = bo_showtimes_from(r->search_showtimes)) != NULL);
}

int bo_list_screens(bo_client *h, int64_t theatre_id, uint32_t page_size, const char *page_token,
                    bo_screens **out)
{
    if (out)
        *out = NULL;
    Boxoffice__V1__ListScreensRequest m = BOXOFFICE__V1__LIST_SCREENS_REQUEST__INIT;
    m.theatre_id = theatre_id;
    m.page_size = page_size;
    m.page_token = str(page_token);
    Boxoffice__V1__Request req = BOXOFFICE__V1__REQUEST__INIT;
    req.call_case = BOXOFFICE__V1__REQUEST__CALL_LIST_SCREENS;
    req.list_screens = &m;
    Boxoffice__V1__Response *r;
    int rc = bo_call(h, &req, NULL, &r);
    if (rc != BO_OK)
        return rc;
    return deliver(h, r, !out || (*out = bo_screens_from(r->list_screens)) != NULL);
}

int bo_get_seat_map(bo_client *h, int64_t showtime_id, bo_seat_map **out)
{
    if (out)
        *out = NULL;
    Boxoffice__V1__GetSeatMapRequest m = BOXOFFICE__V1__GET_SEAT_MAP_REQUEST__INIT;
    m.showtime_id = showtime_id;
    Boxoffice__V1__Request req = BOXOFFICE__V1__REQUEST__INIT;
    req.call_case = BOXOFFICE__V1__REQUEST__CALL_GET_SEAT_MAP;
    req.get_seat_map = &m;
    Boxoffice__V1__Response *r;
    int rc = bo_call(h, &req, NULL, &r);
    if (rc != BO_OK)
        return rc;
    return deliver(h, r, !out || (*out = bo_seat_map_from(r->get_seat_map)) != NULL);
}

/* Sign-up and sign-in answers: keep the token in the handle, then copy the session. */
static int session_answer(bo_client *h, Boxoffice__V1__Response *r,
                          const Boxoffice__V1__AuthSession *s, bo_session **out)
{
    int copied = bo_set_token(h, s->token) == BO_OK;
    if (copied && out)
        copied = (*out = bo_session_from(s)) != NULL;
    return deliver(h, r, copied);
}

int bo_sign_up(bo_client *h, const char *email, const char *name, const char *password,
               bo_session **out)
{
    if (out)
        *out = NULL;
    Boxoffice__V1__SignUpRequest m = BOXOFFICE__V1__SIGN_UP_REQUEST__INIT;
    m.email = str(email);
    m.name = str(name);
    m.password = str(password);
    Boxoffice__V1__Request req = BOXOFFICE__V1__REQUEST__INIT;
    req.call_case = BOXOFFICE__V1__REQUEST__CALL_SIGN_UP;
    req.sign_up = &m;
    Boxoffice__V1__Response *r;
    int rc = bo_call(h, &req, NULL, &r);
    if (rc != BO_OK)
        return rc;
    return session_answer(h, r, r->sign_up, out);
}

int bo_sign_in(bo_client *h, const char *email, const char *password, bo_session **out)
{
    if (out)
        *out = NULL;
    Boxoffice__V1__SignInRequest m = BOXOFFICE__V1__SIGN_IN_REQUEST__INIT;
    m.email = str(email);
    m.password = str(password);
    Boxoffice__V1__Request req = BOXOFFICE__V1__REQUEST__INIT;
    req.call_case = BOXOFFICE__V1__REQUEST__CALL_SIGN_IN;
    req.sign_in = &m;
    Boxoffice__V1__Response *r;
    int rc = bo_call(h, &req, NULL, &r);
    if (rc != BO_OK)
        return rc;
    return session_answer(h, r, r->sign_in, out);
}

int bo_sign_out(bo_client *h)
{
    Boxoffice__V1__SignOutRequest m = BOXOFFICE__V1__SIGN_OUT_REQUEST__INIT;
    Boxoffice__V1__Request req = BOXOFFICE__V1__REQUEST__INIT;
    req.call_case = BOXOFFICE__V1__REQUEST__CALL_SIGN_OUT;
    req.sign_out = &m;
    Boxoffice__V1__Response *r;
    int rc = bo_call(h, &req, NULL, &r);
    if (rc != BO_OK)
        return rc;
    /* The token is dead on the server now; forgetting it allocates nothing, so cannot fail. */
    bo_set_token(h, NULL);
    return deliver(h, r, 1);
}

int bo_who_am_i(bo_client *h, bo_account **out)
{
    if (out)
        *out = NULL;
    /* protoc-c splits WhoAmIRequest as WHO_AM_IREQUEST. */
    Boxoffice__V1__WhoAmIRequest m = BOXOFFICE__V1__WHO_AM_IREQUEST__INIT;
    Boxoffice__V1__Request req = BOXOFFICE__V1__REQUEST__INIT;
    req.call_case = BOXOFFICE__V1__REQUEST__CALL_WHO_AM_I;
    req.who_am_i = &m;
    Boxoffice__V1__Response *r;
    int rc = bo_call(h, &req, NULL, &r);
    if (rc != BO_OK)
        return rc;
    return deliver(h, r, !out || (*out = bo_account_from(r->who_am_i)) != NULL);
}

static int hold(bo_client *h, Boxoffice__V1__HoldSeatsRequest *m, bo_hold **out)
{
    Boxoffice__V1__Request req = BOXOFFICE__V1__REQUEST__INIT;
    req.call_case = BOXOFFICE__V1__REQUEST__CALL_HOLD_SEATS;
    req.hold_seats = m;
    Boxoffice__V1__Response *r;
    int rc = bo_call(h, &req, NULL, &r);
    if (rc != BO_OK)
        return rc;
    return deliver(h, r, !out || (*out = bo_hold_from(r->hold_seats)) != NULL);
}

int bo_hold_seats(bo_client *h, int64_t showtime_id, const char *const *labels, size_t count,
                  bo_hold **out)
{
    if (out)
        *out = NULL;
    if (labels == NULL && count > 0)
        return bo_fail(h, BO_ERR_ARGUMENT, "bo_hold_seats: labels is NULL");
    for (size_t i = 0; i < count; i++)
        if (labels[i] == NULL)
            return bo_fail(h, BO_ERR_ARGUMENT, "bo_hold_seats: label %zu is NULL", i);
    Boxoffice__V1__HoldSeatsRequest m = BOXOFFICE__V1__HOLD_SEATS_REQUEST__INIT;
    m.showtime_id = showtime_id;
    m.n_seats = count;
    m.seats = (char **)labels;
    return hold(h, &m, out);
}

int bo_hold_best(bo_client *h, int64_t showtime_id, uint32_t count, bo_seat_kind kind,
                 bo_hold **out)
{
    if (out)
        *out = NULL;
    Boxoffice__V1__BestAvailable best = BOXOFFICE__V1__BEST_AVAILABLE__INIT;
    best.count = count;
    best.kind = (Boxoffice__V1__SeatKind)kind;
    Boxoffice__V1__HoldSeatsRequest m = BOXOFFICE__V1__HOLD_SEATS_REQUEST__INIT;
    m.showtime_id = showtime_id;
    m.best_available = &best;
    return hold(h, &m, out);
}

int bo_list_holds(bo_client *h, bo_holds **out)
{
    if (out)
        *out = NULL;
    Boxoffice__V1__ListHoldsRequest m = BOXOFFICE__V1__LIST_HOLDS_REQUEST__INIT;
    Boxoffice__V1__Request req = BOXOFFICE__V1__REQUEST__INIT;
    req.call_case = BOXOFFICE__V1__REQUEST__CALL_LIST_HOLDS;
    req.list_holds = &m;
    Boxoffice__V1__Response *r;
    int rc = bo_call(h, &req, NULL, &r);
    if (rc != BO_OK)
        return rc;
    return deliver(h, r, !out || (*out = bo_holds_from(r->list_holds)) != NULL);
}

int bo_release_hold(bo_client *h, const char *hold_id, bo_released **out)
{
    if (out)
        *out = NULL;
    Boxoffice__V1__ReleaseHoldRequest m = BOXOFFICE__V1__RELEASE_HOLD_REQUEST__INIT;
    m.hold_id = str(hold_id);
    Boxoffice__V1__Request req = BOXOFFICE__V1__REQUEST__INIT;
    req.call_case = BOXOFFICE__V1__REQUEST__CALL_RELEASE_HOLD;
    req.release_hold = &m;
    Boxoffice__V1__Response *r;
    int rc = bo_call(h, &req, NULL, &r);
    if (rc != BO_OK)
        return rc;
    return deliver(h, r, !out || (*out = bo_released_from(r->release_hold)) != NULL);
}

/* Ticket types in wire form, for QuoteHold and Purchase: by position or by seat label. At most
 * one of the two is non-empty. The wire_by_* functions fill one in; whatever they return, the
 * caller frees it with wire_types_free. */
typedef struct {
    Boxoffice__V1__TicketType *types;
    size_t n_types;
    Boxoffice__V1__SeatTicketType *seat_items;
    Boxoffice__V1__SeatTicketType **seats; /* points into seat_items, as protobuf-c wants */
    size_t n_seats;
} wire_types;

static void wire_types_free(wire_types *w)
{
    free(w->types);
    free(w->seat_items);
    free(w->seats);
}

/* The public and generated enums have the same values but different types, so they are copied.
 * NULL types means none. */
static int wire_by_position(bo_client *h, const bo_ticket_type *types, size_t n, wire_types *w)
{
    *w = (wire_types){0};
    if (types == NULL || n == 0)
        return BO_OK;
    w->types = malloc(n * sizeof *w->types);
    if (w->types == NULL)
        return bo_fail(h, BO_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        w->types[i] = (Boxoffice__V1__TicketType)types[i];
    w->n_types = n;
    return BO_OK;
}

/* fn names the public function for the message about a NULL label. NULL seat_types means none. */
static int wire_by_seat(bo_client *h, const char *fn, const bo_seat_type *seat_types, size_t n,
                        wire_types *w)
{
    *w = (wire_types){0};
    if (seat_types == NULL || n == 0)
        return BO_OK;
    for (size_t i = 0; i < n; i++)
        if (seat_types[i].seat == NULL)
            return bo_fail(h, BO_ERR_ARGUMENT, "%s: the seat of entry %zu is NULL", fn, i);
    w->seat_items = malloc(n * sizeof *w->seat_items);
    w->seats = malloc(n * sizeof *w->seats);
    if (w->seat_items == NULL || w->seats == NULL)
        return bo_fail(h, BO_ERR_NOMEM, "out of memory"); /* the caller frees what was made */
    for (size_t i = 0; i < n; i++) {
        boxoffice__v1__seat_ticket_type__init(&w->seat_items[i]);
        w->seat_items[i].seat = (char *)seat_types[i].seat;
        w->seat_items[i].type = (Boxoffice__V1__TicketType)seat_types[i].type;
        w->seats[i] = &w->seat_items[i];
    }
    w->n_seats = n;
    return BO_OK;
}

static int quote(bo_client *h, const char *hold_id, const wire_types *w, bo_quote **out)
{
    Boxoffice__V1__QuoteHoldRequest m = BOXOFFICE__V1__QUOTE_HOLD_REQUEST__INIT;
    m.hold_id = str(hold_id);
    m.n_ticket_types = w->n_types;
    m.ticket_types = w->types;
    m.n_seat_types = w->n_seats;
    m.seat_types = w->seats;
    Boxoffice__V1__Request req = BOXOFFICE__V1__REQUEST__INIT;
    req.call_case = BOXOFFICE__V1__REQUEST__CALL_QUOTE_HOLD;
    req.quote_hold = &m;
    Boxoffice__V1__Response *r;
    int rc = bo_call(h, &req, NULL, &r);
    if (rc != BO_OK)
        return rc;
    return deliver(h, r, !out || (*out = bo_quote_from(r->quote_hold)) != NULL);
}

int bo_quote_hold(bo_client *h, const char *hold_id, const bo_ticket_type *types,
                  size_t type_count, bo_quote **out)
{
    if (out)
        *out = NULL;
    wire_types w;
    int rc = wire_by_position(h, types, type_count, &w);
    if (rc == BO_OK)
        rc = quote(h, hold_id, &w, out);
    wire_types_free(&w);
    return rc;
}

int bo_quote_hold_by_seat(bo_client *h, const char *hold_id, const bo_seat_type *seat_types,
                          size_t count, bo_quote **out)
{
    if (out)
        *out = NULL;
    wire_types w;
    int rc = wire_by_seat(h, "bo_quote_hold_by_seat", seat_types, count, &w);
    if (rc == BO_OK)
        rc = quote(h, hold_id, &w, out);
    wire_types_free(&w);
    return rc;
}

static int purchase(bo_client *h, const char *hold_id, const wire_types *w, const bo_card *card,
                    const char *idempotency_key, bo_booking **out)
{
    Boxoffice__V1__PaymentCard c = BOXOFFICE__V1__PAYMENT_CARD__INIT;
    c.number = str(card->number);
    c.exp_month = card->exp_month;
    c.exp_year = card->exp_year;
    c.cvc = str(card->cvc);
    c.zip = str(card->zip);
    Boxoffice__V1__PurchaseRequest m = BOXOFFICE__V1__PURCHASE_REQUEST__INIT;
    m.hold_id = str(hold_id);
    m.n_ticket_types = w->n_types;
    m.ticket_types = w->types;
    m.n_seat_types = w->n_seats;
    m.seat_types = w->seats;
    m.card = &c;
    Boxoffice__V1__Request req = BOXOFFICE__V1__REQUEST__INIT;
    req.call_case = BOXOFFICE__V1__REQUEST__CALL_PURCHASE;
    req.purchase = &m;
    Boxoffice__V1__Response *r;
    int rc = bo_call(h, &req, idempotency_key, &r);
    if (rc != BO_OK)
        return rc;
    return deliver(h, r, !out || (*out = bo_booking_from(r->purchase)) != NULL);
}

int bo_purchase(bo_client *h, const char *hold_id, const bo_ticket_type *types, size_t type_count,
                const bo_card *card, const char *idempotency_key, bo_booking **out)
{
    if (out)
        *out = NULL;
    if (card == NULL)
        return bo_fail(h, BO_ERR_ARGUMENT, "bo_purchase: card is NULL");
    wire_types w;
    int rc = wire_by_position(h, types, type_count, &w);
    if (rc == BO_OK)
        rc = purchase(h, hold_id, &w, card, idempotency_key, out);
    wire_types_free(&w);
    return rc;
}

int bo_purchase_by_seat(bo_client *h, const char *hold_id, const bo_seat_type *seat_types,
                        size_t count, const bo_card *card, const char *idempotency_key,
                        bo_booking **out)
{
    if (out)
        *out = NULL;
    if (card == NULL)
        return bo_fail(h, BO_ERR_ARGUMENT, "bo_purchase_by_seat: card is NULL");
    wire_types w;
    int rc = wire_by_seat(h, "bo_purchase_by_seat", seat_types, count, &w);
    if (rc == BO_OK)
        rc = purchase(h, hold_id, &w, card, idempotency_key, out);
    wire_types_free(&w);
    return rc;
}

int bo_get_booking(bo_client *h, const char *code, bo_booking **out)
{
    if (out)
        *out = NULL;
    Boxoffice__V1__GetBookingRequest m = BOXOFFICE__V1__GET_BOOKING_REQUEST__INIT;
    m.code = str(code);
    Boxoffice__V1__Request req = BOXOFFICE__V1__REQUEST__INIT;
    req.call_case = BOXOFFICE__V1__REQUEST__CALL_GET_BOOKING;
    req.get_booking = &m;
    Boxoffice__V1__Response *r;
    int rc = bo_call(h, &req, NULL, &r);
    if (rc != BO_OK)
        return rc;
    return deliver(h, r, !out || (*out = bo_booking_from(r->get_booking)) != NULL);
}

int bo_list_bookings(bo_client *h, uint32_t page_size, const char *page_token, bo_bookings **out)
{
    return bo_list_bookings_when(h, BO_BOOKINGS_ALL, page_size, page_token, out);
}

int bo_list_bookings_when(bo_client *h, bo_booking_time when, uint32_t page_size,
                          const char *page_token, bo_bookings **out)
{
    if (out)
        *out = NULL;
    Boxoffice__V1__ListBookingsRequest m = BOXOFFICE__V1__LIST_BOOKINGS_REQUEST__INIT;
    m.page_size = page_size;
    m.page_token = str(page_token);
    m.when = (Boxoffice__V1__BookingTime)when;
    Boxoffice__V1__Request req = BOXOFFICE__V1__REQUEST__INIT;
    req.call_case = BOXOFFICE__V1__REQUEST__CALL_LIST_BOOKINGS;
    req.list_bookings = &m;
    Boxoffice__V1__Response *r;
    int rc = bo_call(h, &req, NULL, &r);
    if (rc != BO_OK)
        return rc;
    return deliver(h, r, !out || (*out = bo_bookings_from(r->list_bookings)) != NULL);
}

int bo_cancel_booking(bo_client *h, const char *code, bo_booking **out)
{
    if (out)
        *out = NULL;
    Boxoffice__V1__CancelBookingRequest m = BOXOFFICE__V1__CANCEL_BOOKING_REQUEST__INIT;
    m.code = str(code);
    Boxoffice__V1__Request req = BOXOFFICE__V1__REQUEST__INIT;
    req.call_case = BOXOFFICE__V1__REQUEST__CALL_CANCEL_BOOKING;
    req.cancel_booking = &m;
    Boxoffice__V1__Response *r;
    int rc = bo_call(h, &req, NULL, &r);
    if (rc != BO_OK)
        return rc;
    return deliver(h, r, !out || (*out = bo_booking_from(r->cancel_booking)) != NULL);
}

int bo_rate_movie(bo_client *h, int64_t movie_id, uint32_t stars, const char *review,
                  bo_review **out)
{
    if (out)
        *out = NULL;
    Boxoffice__V1__RateMovieRequest m = BOXOFFICE__V1__RATE_MOVIE_REQUEST__INIT;
    m.movie_id = movie_id;
    m.stars = stars;
    m.review = str(review);
    Boxoffice__V1__Request req = BOXOFFICE__V1__REQUEST__INIT;
    req.call_case = BOXOFFICE__V1__REQUEST__CALL_RATE_MOVIE;
    req.rate_movie = &m;
    Boxoffice__V1__Response *r;
    int rc = bo_call(h, &req, NULL, &r);
    if (rc != BO_OK)
        return rc;
    return deliver(h, r, !out || (*out = bo_review_from(r->rate_movie)) != NULL);
}

int bo_delete_review(bo_client *h, int64_t movie_id)
{
    Boxoffice__V1__DeleteReviewRequest m = BOXOFFICE__V1__DELETE_REVIEW_REQUEST__INIT;
    m.movie_id = movie_id;
    Boxoffice__V1__Request req = BOXOFFICE__V1__REQUEST__INIT;
    req.call_case = BOXOFFICE__V1__REQUEST__CALL_DELETE_REVIEW;
    req.delete_review = &m;
    Boxoffice__V1__Response *r;
    int rc = bo_call(h, &req, NULL, &r);
    if (rc != BO_OK)
        return rc;
    return deliver(h, r, 1);
}

int bo_list_reviews(bo_client *h, int64_t movie_id, uint32_t page_size, const char *page_token,
                    bo_reviews **out)
{
    if (out)
        *out = NULL;
    Boxoffice__V1__ListReviewsRequest m = BOXOFFICE__V1__LIST_REVIEWS_REQUEST__INIT;
    m.movie_id = movie_id;
    m.page_size = page_size;
    m.page_token = str(page_token);
    Boxoffice__V1__Request req = BOXOFFICE__V1__REQUEST__INIT;
    req.call_case = BOXOFFICE__V1__REQUEST__CALL_LIST_REVIEWS;
    req.list_reviews = &m;
    Boxoffice__V1__Response *r;
    int rc = bo_call(h, &req, NULL, &r);
    if (rc != BO_OK)
        return rc;
    return deliver(h, r, !out || (*out = bo_reviews_from(r->list_reviews)) != NULL);
}
