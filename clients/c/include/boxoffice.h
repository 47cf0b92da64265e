/*
 * boxoffice.h - C client for the BoxOffice movie-ticket server (wire protocol version 1).
 *
 * One connection per handle; every call is blocking and returns a status code:
 *   0            OK
 *   1 .. 16      the server's answer, gRPC numbering (BO_NOT_FOUND, BO_UNAUTHENTICATED, ...);
 *                the connection stays usable
 *   -1 .. -9     a local or transport error (BO_ERR_*), nothing usable came back
 * After any call, bo_errcode(), bo_errmsg() and bo_retry_after_ms() describe it.
 *
 * Results are allocated by the library and returned through an out pointer that is set to NULL
 * unless the call returns BO_OK; pass NULL as out when only the status matters. Free each result
 * with its named bo_*_free function; all of them accept NULL. Strings in results are never NULL
 * (an absent string is ""), and stay valid until the result is freed. String arguments are not
 * kept after the call returns; NULL string arguments are sent as "".
 *
 * Thread safety: a handle is NOT thread-safe. Use one handle per thread, or serialise every call
 * on a shared handle yourself. Different handles are independent. Results do not refer to their
 * handle and may outlive it.
 *
 * The library never raises SIGPIPE: a peer that went away is reported as BO_ERR_CLOSED.
 */
#ifndef BOXOFFICE_H
#define BOXOFFICE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------------------------
 * Versions */

/* The library's version, MAJOR.MINOR.PATCH: MINOR grows when calls or struct fields are added
 * (existing code keeps compiling; structs only grow at their end), MAJOR when something is
 * changed or removed. The first library, which had no number, counts as 1.0.0; 1.1.0 adds
 * QuoteHold, ListHolds, SignOut, WhoAmI, the review calls and the fields that came with them. */
#define BO_VERSION "1.1.0"
/* The wire protocol it speaks, as in bo_get_info's protocol_version: version 1. */
#define BO_PROTOCOL_VERSION 1

/* BO_VERSION as the library was built (which may differ from the header a program was compiled
 * against); never NULL. */
const char *bo_version(void);

/* ---------------------------------------------------------------------------------------------
 * Status codes */

enum {
    BO_OK = 0,
    /* Sent by the server: gRPC's numbers (docs/PROTOCOL.md says when each is answered). */
    BO_CANCELLED = 1,
    BO_UNKNOWN = 2,
    BO_INVALID_ARGUMENT = 3,
    BO_DEADLINE_EXCEEDED = 4,
    BO_NOT_FOUND = 5,
    BO_ALREADY_EXISTS = 6,
    BO_PERMISSION_DENIED = 7,
    BO_RESOURCE_EXHAUSTED = 8,
    BO_FAILED_PRECONDITION = 9,
    BO_ABORTED = 10,
    BO_OUT_OF_RANGE = 11,
    BO_UNIMPLEMENTED = 12,
    BO_INTERNAL = 13,
    BO_UNAVAILABLE = 14,
    BO_DATA_LOSS = 15,
    BO_UNAUTHENTICATED = 16,

    /* Local and transport errors. Whenever one may have left the byte stream out of step (mid-
     * frame, or an answer that cannot be trusted), the library closes the connection:
     * bo_connected() then returns 0 and later calls return BO_ERR_CLOSED, so bo_close() the
     * handle and bo_connect() again. The connection survives errors found before sending
     * (BO_ERR_ARGUMENT, a request over the maximum frame), BO_ERR_PROTOCOL, and a
     * BO_ERR_TIMEOUT before any byte of the answer came in: the late answer is recognised by its
     * call_id and dropped. */
    BO_ERR_CONNECT = -1,         /* name lookup or TCP connect failed */
    BO_ERR_TIMEOUT = -2,         /* the call's timeout passed while sending or waiting */
    BO_ERR_CLOSED = -3,          /* the server closed the connection (or it was already closed) */
    BO_ERR_FRAME_TOO_LARGE = -4, /* a frame's length is above the handle's maximum */
    BO_ERR_DECODE = -5,          /* the answer is not a valid Response message */
    BO_ERR_IO = -6,              /* another socket error (the message has strerror) */
    BO_ERR_NOMEM = -7,           /* out of memory */
    BO_ERR_ARGUMENT = -8,        /* a NULL query, card or seat label; nothing was sent */
    BO_ERR_PROTOCOL = -9         /* an OK answer without the result this call expects */
};

/* The name of a code: "OK", "NOT_FOUND", "BO_ERR_TIMEOUT", ...; never NULL. */
const char *bo_code_name(int code);

/* ---------------------------------------------------------------------------------------------
 * Connection */

typedef struct bo_client bo_client;

/* Connects to host:port (a name or an address, IPv4 or IPv6). timeout_ms bounds the connect and,
 * afterwards, each call (sending the request and receiving its answer); 0 waits forever. It is
 * also sent as the call's deadline so the server gives up when the client would.
 * Returns NULL on failure: bo_connect_errcode() and bo_connect_errmsg() then say why, in the
 * calling thread, until its next bo_connect. */
bo_client *bo_connect(const char *host, uint16_t port, int timeout_ms);
int bo_connect_errcode(void);
const char *bo_connect_errmsg(void);

/* Closes the connection and frees the handle. NULL is fine. */
void bo_close(bo_client *h);

/* 1 while the connection is open, 0 once a transport error has closed it. */
int bo_connected(const bo_client *h);

/* The last call's status code, message ("" when none) and retry_after_ms (0 when none). */
int bo_errcode(const bo_client *h);
const char *bo_errmsg(const bo_client *h);
uint32_t bo_retry_after_ms(const bo_client *h);

/* Timeout of later calls, in milliseconds; 0 waits forever. */
void bo_set_timeout(bo_client *h, int timeout_ms);

/* Largest frame body accepted, in bytes: BO_DEFAULT_MAX_FRAME, the server's default, unless set
 * (e.g. to bo_get_info's limits.max_frame_bytes for a server run with another limit). A longer
 * answer length prefix fails the call with BO_ERR_FRAME_TOO_LARGE before anything is allocated
 * for it; a longer request is refused before it is sent, since the server would refuse it. */
#define BO_DEFAULT_MAX_FRAME (1024u * 1024u)
void bo_set_max_frame(bo_client *h, uint32_t max_bytes);
uint32_t bo_max_frame(const bo_client *h);

/* The bearer token sent with every call. bo_sign_up and bo_sign_in set it on success, and
 * bo_sign_out clears it; set it yourself to resume a saved session, or NULL to forget it (this
 * only forgets it here: the token stays valid on the server until bo_sign_out or its expiry).
 * Returns BO_OK or BO_ERR_NOMEM. bo_token returns "" when there is none. */
int bo_set_token(bo_client *h, const char *token);
const char *bo_token(const bo_client *h);

/* ---------------------------------------------------------------------------------------------
 * Shared values. Enums carry the protocol's numbers. */

typedef enum {
    BO_SCREEN_FORMAT_UNSPECIFIED = 0,
    BO_SCREEN_FORMAT_STANDARD = 1,
    BO_SCREEN_FORMAT_IMAX = 2,
    BO_SCREEN_FORMAT_THREE_D = 3,
    BO_SCREEN_FORMAT_DOLBY_CINEMA = 4,
    BO_SCREEN_FORMAT_PREMIUM_LARGE = 5
} bo_screen_format;

typedef enum {
    BO_SEAT_KIND_UNSPECIFIED = 0,
    BO_SEAT_KIND_STANDARD = 1,
    BO_SEAT_KIND_WHEELCHAIR = 2,
    BO_SEAT_KIND_COMPANION = 3,
    BO_SEAT_KIND_PREMIUM = 4
} bo_seat_kind;

typedef enum {
    BO_SEAT_STATE_UNSPECIFIED = 0, /* outside a seat map */
    BO_SEAT_STATE_AVAILABLE = 1,
    BO_SEAT_STATE_HELD = 2,
    BO_SEAT_STATE_SOLD = 3
} bo_seat_state;

typedef enum {
    BO_TICKET_UNSPECIFIED = 0,
    BO_TICKET_ADULT = 1,
    BO_TICKET_CHILD = 2,
    BO_TICKET_SENIOR = 3
} bo_ticket_type;

typedef enum {
    BO_BOOKING_UNSPECIFIED = 0,
    BO_BOOKING_CONFIRMED = 1,
    BO_BOOKING_CANCELLED = 2
} bo_booking_state;

/* Which bookings bo_list_bookings_when lists. */
typedef enum {
    BO_BOOKINGS_ALL = 0,      /* every booking, newest booked first */
    BO_BOOKINGS_UPCOMING = 1, /* shows that have not started, soonest first */
    BO_BOOKINGS_PAST = 2      /* shows that have started, latest first */
} bo_booking_time;

typedef struct {
    double latitude;
    double longitude;
} bo_lat_lng;

/* A place in the US for searches; build one with bo_near_* below. */
typedef enum { BO_NEAR_NONE = 0, BO_NEAR_ZIP, BO_NEAR_CITY_STATE, BO_NEAR_LAT_LNG } bo_near_kind;
typedef struct {
    bo_near_kind kind;
    const char *text; /* the ZIP ("10001") or "City, ST"; not copied */
    bo_lat_lng lat_lng;
} bo_location;

bo_location bo_near_zip(const char *zip);
bo_location bo_near_city_state(const char *city_state);
bo_location bo_near_lat_lng(double latitude, double longitude);

typedef struct {
    char *street, *city, *state, *zip;
} bo_address;

typedef struct {
    int64_t id;
    char *chain;
    char *name;
    bo_address address;
    bo_lat_lng position;
    char *time_zone; /* IANA, e.g. "America/New_York" */
    uint32_t screen_count;
} bo_theatre;

typedef struct {
    char *label; /* "F12" */
    uint32_t number;
    uint32_t column; /* zero-based position across the row, counting aisle gaps */
    bo_seat_kind kind;
    bo_seat_state state; /* only in a seat map */
} bo_seat;

typedef struct {
    char *label; /* "F" */
    bo_seat *seats;
    size_t seat_count;
} bo_seat_row;

typedef struct {
    int64_t id;
    int64_t theatre_id;
    char *name;
    bo_screen_format format;
    uint32_t capacity;
    bo_seat_row *rows; /* front (nearest the screen) to back */
    size_t row_count;
} bo_screen;

typedef struct {
    int64_t id;
    char *title;
    char *rating;
    uint32_t runtime_minutes;
    char **genres;
    size_t genre_count;
    char *release_date; /* YYYY-MM-DD */
    double average_stars;  /* mean of the users' ratings, 1.0 to 5.0; 0 when nobody rated it */
    uint32_t rating_count; /* how many users rated it */
} bo_movie;

typedef struct {
    int64_t adult_cents, child_cents, senior_cents;
    /* Added to a ticket of any type on a BO_SEAT_KIND_PREMIUM seat. */
    int64_t premium_extra_cents;
} bo_prices;

typedef struct {
    int64_t id;
    int64_t theatre_id;
    char *theatre_name;
    int64_t movie_id;
    char *movie_title;
    int64_t screen_id;
    char *screen_name;
    int64_t starts_at_ms;    /* UTC milliseconds since the epoch */
    char *starts_at_local;   /* RFC 3339 with the theatre's offset */
    char *time_zone;
    bo_screen_format format;
    char *language;
    bo_prices prices;
    uint32_t capacity;
    uint32_t seats_left;
    double distance_miles;   /* from the searched place; 0 without one */
    int started;             /* 1 once the show has begun: it can no longer be held or bought */
    /* The theatre's address, for receipts: set in bookings, quotes and holds, all "" in
     * searches and seat maps. */
    bo_address theatre_address;
} bo_showtime;

/* ---------------------------------------------------------------------------------------------
 * GetInfo */

typedef struct {
    char *version;
    uint32_t protocol_version;
    int64_t uptime_ms;
    int ready;
    struct {
        uint32_t theatres, screens, movies, showtimes;
        char *first_date, *last_date;
    } catalogue;
    struct {
        uint32_t max_frame_bytes, default_deadline_ms, idle_timeout_ms, max_page_size,
            hold_seconds, max_seats_per_hold, max_calls_in_flight_per_connection;
    } limits;
} bo_info;

int bo_get_info(bo_client *h, bo_info **out);
void bo_info_free(bo_info *info);

/* ---------------------------------------------------------------------------------------------
 * Searches. Every list pages: page_size (0 = server default 20, at most 100) and page_token
 * (NULL or "" for the first page, then the previous result's next_page_token, which is "" when
 * there are no more). total counts every result. Zero/NULL query fields are left out. */

typedef struct {
    bo_location near;     /* required */
    double radius_miles;  /* 0 = 25 */
    int64_t movie_id;     /* optional: only theatres playing this movie on date */
    const char *date;     /* YYYY-MM-DD, local; NULL = today */
    uint32_t page_size;
    const char *page_token;
} bo_theatre_query;

typedef struct {
    bo_theatre theatre;
    double distance_miles;
} bo_theatre_result;

typedef struct {
    bo_theatre_result *items; /* nearest first */
    size_t count;
    uint32_t total;
    char *next_page_token;
} bo_theatres;

int bo_search_theatres(bo_client *h, const bo_theatre_query *q, bo_theatres **out);
void bo_theatres_free(bo_theatres *t);

typedef struct {
    const char *title;    /* words, prefix and typo tolerant; NULL or "" lists every movie */
    bo_location near;     /* optional: only movies playing near here on date */
    double radius_miles;
    const char *date;
    uint32_t page_size;
    const char *page_token;
} bo_movie_query;

typedef struct {
    bo_movie *items;
    size_t count;
    uint32_t total;
    char *next_page_token;
} bo_movies;

int bo_search_movies(bo_client *h, const bo_movie_query *q, bo_movies **out);
void bo_movies_free(bo_movies *m);

typedef struct {
    int64_t theatre_id;   /* theatre_id and/or near is required */
    int64_t movie_id;
    bo_location near;
    double radius_miles;
    const char *date;     /* YYYY-MM-DD, local; NULL = today */
    uint32_t page_size;
    const char *page_token;
    /* Only shows starting at or after this local time of day, "HH:MM" in each theatre's zone;
     * NULL or "" = from midnight. */
    const char *from_local_time;
    /* Non-zero: only shows that have not started yet (by the server's clock). */
    int upcoming_only;
} bo_showtime_query;

typedef struct {
    bo_showtime *items; /* by theatre (nearest first), then start time */
    size_t count;
    uint32_t total;
    char *next_page_token;
} bo_showtimes;

int bo_search_showtimes(bo_client *h, const bo_showtime_query *q, bo_showtimes **out);
void bo_showtimes_free(bo_showtimes *s);

typedef struct {
    bo_theatre theatre;
    bo_screen *items;
    size_t count;
    uint32_t total;
    char *next_page_token;
} bo_screens;

int bo_list_screens(bo_client *h, int64_t theatre_id, uint32_t page_size, const char *page_token,
                    bo_screens **out);
void bo_screens_free(bo_screens *s);

typedef struct {
    bo_showtime showtime;
    bo_screen screen; /* every seat carries its state */
    uint32_t available, held, sold;
} bo_seat_map;

int bo_get_seat_map(bo_client *h, int64_t showtime_id, bo_seat_map **out);
void bo_seat_map_free(bo_seat_map *m);

/* ---------------------------------------------------------------------------------------------
 * Accounts. On success both store the session's token in the handle (see bo_set_token). */

typedef struct {
    char *token;
    int64_t user_id;
    char *name;
    char *email;
    int64_t expires_at_ms;
} bo_session;

int bo_sign_up(bo_client *h, const char *email, const char *name, const char *password,
               bo_session **out);
int bo_sign_in(bo_client *h, const char *email, const char *password, bo_session **out);
void bo_session_free(bo_session *s);

/* Ends the handle's session on the server: its token is refused by every call from then on
 * (BO_UNAUTHENTICATED), on any connection. On BO_OK the handle forgets the token too; on any
 * other answer it keeps it. Without a token the server answers BO_UNAUTHENTICATED. */
int bo_sign_out(bo_client *h);

typedef struct {
    int64_t user_id;
    char *name;
    char *email;
    int64_t token_expires_at_ms; /* when the handle's token expires */
} bo_account;

/* The account the handle's token belongs to; BO_UNAUTHENTICATED without a valid token. */
int bo_who_am_i(bo_client *h, bo_account **out);
void bo_account_free(bo_account *a);

/* ---------------------------------------------------------------------------------------------
 * Holds, purchases and bookings: these need a token (else BO_UNAUTHENTICATED). */

typedef struct {
    char *hold_id;
    int64_t showtime_id;
    /* In the order they were asked for (bo_hold_seats) or left to right (bo_hold_best): the
     * order of the ticket types given to bo_purchase and bo_quote_hold. */
    char **seats;
    size_t seat_count;
    int64_t expires_at_ms;
    /* The showtime, with its theatre_address, e.g. to show the start and expiry in the
     * theatre's time. */
    bo_showtime showtime;
} bo_hold;

/* Holds the named seats ("F11", "F12"; 1 to 10), all or nothing. */
int bo_hold_seats(bo_client *h, int64_t showtime_id, const char *const *labels, size_t count,
                  bo_hold **out);
/* Holds the best count seats of a kind (BO_SEAT_KIND_UNSPECIFIED = standard). */
int bo_hold_best(bo_client *h, int64_t showtime_id, uint32_t count, bo_seat_kind kind,
                 bo_hold **out);
void bo_hold_free(bo_hold *hold);

typedef struct {
    bo_hold *items; /* soonest expiry first */
    size_t count;
} bo_holds;

/* The signed-in user's holds that still keep their seats: not released, expired or bought.
 * count is 0 when there are none. */
int bo_list_holds(bo_client *h, bo_holds **out);
void bo_holds_free(bo_holds *holds);

typedef struct {
    char **seats;
    size_t count;
} bo_released;

/* Frees a hold's seats at once; out lists them. */
int bo_release_hold(bo_client *h, const char *hold_id, bo_released **out);
void bo_released_free(bo_released *r);

typedef struct {
    const char *number;
    uint32_t exp_month;
    uint32_t exp_year;
    const char *cvc;
    const char *zip;
} bo_card;

/* A ticket type for one seat of a hold, by the seat's label: for bo_quote_hold_by_seat and
 * bo_purchase_by_seat. */
typedef struct {
    const char *seat; /* "F12"; not copied */
    bo_ticket_type type;
} bo_seat_type;

typedef struct {
    char *seat;
    bo_ticket_type type;
    int64_t price_cents; /* the type's price, plus premium_extra_cents on a premium seat */
    bo_seat_kind kind;
} bo_ticket;

typedef struct {
    char *code; /* the confirmation code: 8 Crockford base32 characters plus a check character */
    bo_showtime showtime;
    bo_ticket *tickets;
    size_t ticket_count;
    int64_t subtotal_cents, fees_cents, tax_cents, total_cents;
    bo_booking_state state;
    char *card_brand;
    char *card_last4;
    int64_t created_at_ms;
    int64_t cancelled_at_ms;
    int64_t refunded_cents;
    char *tax_state;                 /* the theatre's state, whose sales tax applies: "NY" */
    uint32_t tax_rate_milli_percent; /* its rate in thousandths of a percent: 6.875 % is 6875 */
} bo_booking;

/* What buying a live hold with these ticket types would charge; changes nothing. */
typedef struct {
    char *hold_id;
    bo_showtime showtime;
    bo_ticket *tickets; /* in the hold's seat order */
    size_t ticket_count;
    int64_t subtotal_cents, fees_cents, tax_cents, total_cents; /* subtotal + fees + tax = total */
    char *tax_state;                 /* as in bo_booking */
    uint32_t tax_rate_milli_percent;
    int64_t hold_expires_at_ms;
} bo_quote;

/* Prices a hold as bo_purchase with the same types would; types as in bo_purchase (more types
 * than seats is BO_INVALID_ARGUMENT). The caller's ended hold is BO_FAILED_PRECONDITION, anyone
 * else's BO_NOT_FOUND. */
int bo_quote_hold(bo_client *h, const char *hold_id, const bo_ticket_type *types,
                  size_t type_count, bo_quote **out);
/* The same with ticket types by seat label, in any order (NULL or 0 entries: every seat adult;
 * seats left out are adult). A NULL seat label is BO_ERR_ARGUMENT; a seat outside the hold, or
 * one given twice, is BO_INVALID_ARGUMENT. */
int bo_quote_hold_by_seat(bo_client *h, const char *hold_id, const bo_seat_type *seat_types,
                          size_t count, bo_quote **out);
void bo_quote_free(bo_quote *q);

/* Pays for a hold. types gives one ticket type per held seat in the hold's order (NULL or
 * fewer entries: the rest are adult). idempotency_key (NULL = none) makes a retry after a
 * transport error safe: the same key and request return the same booking. */
int bo_purchase(bo_client *h, const char *hold_id, const bo_ticket_type *types, size_t type_count,
                const bo_card *card, const char *idempotency_key, bo_booking **out);
/* bo_purchase with ticket types by seat label, as in bo_quote_hold_by_seat. */
int bo_purchase_by_seat(bo_client *h, const char *hold_id, const bo_seat_type *seat_types,
                        size_t count, const bo_card *card, const char *idempotency_key,
                        bo_booking **out);

int bo_get_booking(bo_client *h, const char *code, bo_booking **out);
/* Cancels and refunds; out is the cancelled booking. */
int bo_cancel_booking(bo_client *h, const char *code, bo_booking **out);
void bo_booking_free(bo_booking *b);

typedef struct {
    bo_booking *items;
    size_t count;
    uint32_t total;
    char *next_page_token;
} bo_bookings;

/* The signed-in user's bookings, newest booked first. */
int bo_list_bookings(bo_client *h, uint32_t page_size, const char *page_token, bo_bookings **out);
/* The same, only upcoming or only past shows (see bo_booking_time); BO_BOOKINGS_ALL is
 * bo_list_bookings. A page token only works with the same `when`. */
int bo_list_bookings_when(bo_client *h, bo_booking_time when, uint32_t page_size,
                          const char *page_token, bo_bookings **out);
void bo_bookings_free(bo_bookings *b);

/* ---------------------------------------------------------------------------------------------
 * Ratings and reviews. Rating and deleting need a token; listing does not. */

typedef struct {
    int64_t movie_id;
    uint32_t stars;        /* 1 to 5 */
    char *review;          /* "" when the rating has no text */
    char *reviewer_name;   /* the reviewer's display name, never their email */
    int64_t created_at_ms;
    int64_t updated_at_ms; /* equal to created_at_ms until the author edits it */
} bo_review;

/* Rates a movie 1 to 5 stars, with an optional review (NULL or ""; plain text, at most 2,000
 * characters, no control characters but newline), or changes the caller's earlier rating: one
 * per user per movie. Needs a confirmed booking for any showing of the movie, else
 * BO_FAILED_PRECONDITION. */
int bo_rate_movie(bo_client *h, int64_t movie_id, uint32_t stars, const char *review,
                  bo_review **out);
void bo_review_free(bo_review *r);

/* Deletes the caller's rating and review of a movie; BO_NOT_FOUND when there is none. */
int bo_delete_review(bo_client *h, int64_t movie_id);

typedef struct {
    bo_movie movie;   /* with its average_stars and rating_count */
    bo_review *items; /* newest first, by last edit */
    size_t count;
    uint32_t total;
    char *next_page_token;
} bo_reviews;

/* A movie's reviews, paged as the searches are; an unknown movie is BO_NOT_FOUND. */
int bo_list_reviews(bo_client *h, int64_t movie_id, uint32_t page_size, const char *page_token,
                    bo_reviews **out);
void bo_reviews_free(bo_reviews *r);

#ifdef __cplusplus
}
#endif

#endif /* BOXOFFICE_H */
