/* Private to libboxoffice: the handle and the functions the source files share. The protobuf-c
 * types appear only here and in .c files, never in boxoffice.h. */
#ifndef BOXOFFICE_INTERNAL_H
#define BOXOFFICE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "boxoffice.h"
#include "boxoffice.pb-c.h"

struct bo_client {
    int fd;                 /* -1 once the connection is closed */
    int timeout_ms;         /* per call; 0 = none */
    uint32_t max_frame;     /* largest frame body sent or accepted */
    uint64_t last_call_id;  /* ids start at 1: 0 marks answers about the connection */
    char *token;            /* NULL when signed out */
    int code;               /* the last call's status */
    uint32_t retry_after_ms;
    char msg[512];
};

/* status.c: record the outcome of a call in h (h may be NULL); both return code. */
int bo_fail(bo_client *h, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int bo_record(bo_client *h, int code, const char *msg, uint32_t retry_after_ms);

/* wait.c: deadlines on the monotonic clock, in milliseconds; -1 means none. */
int64_t bo_deadline(int timeout_ms);
/* Waits until fd has one of events or the deadline passes: BO_OK, BO_ERR_TIMEOUT or BO_ERR_IO
 * (errno set). Retries after EINTR. */
int bo_wait_fd(int fd, short events, int64_t deadline);

/* connect.c: a connected TCP socket in *fd, or a BO_ERR_* code with msg filled in. */
int bo_tcp_connect(const char *host, uint16_t port, int timeout_ms, int *fd, char *msg,
                   size_t msg_size);

/* frame.c: one frame each way. Each closes the connection (bo_disconnect) when an error may have
 * left the stream mid-frame. */
#define BO_PREFIX_BYTES 4
/* frame holds BO_PREFIX_BYTES spare bytes followed by body_len bytes of body. */
int bo_frame_send(bo_client *h, uint8_t *frame, size_t body_len, int64_t deadline);
/* On BO_OK *body is a malloc'd buffer of *len bytes (free it). */
int bo_frame_recv(bo_client *h, int64_t deadline, uint8_t **body, size_t *len);
void bo_disconnect(bo_client *h);

/* call.c: sends req, whose call the caller has set, and waits for its answer. Returns the status
 * code (recorded in h); on BO_OK *resp is the answer, carrying the result that matches the call.
 * Free it with boxoffice__v1__response__free_unpacked. */
int bo_call(bo_client *h, Boxoffice__V1__Request *req, const char *idempotency_key,
            Boxoffice__V1__Response **resp);

/* convert.c: library-owned copies of answers; NULL when out of memory. */
bo_info *bo_info_from(const Boxoffice__V1__ServerInfo *pb);
bo_theatres *bo_theatres_from(const Boxoffice__V1__SearchTheatresResponse *pb);
bo_movies *bo_movies_from(const Boxoffice__V1__SearchMoviesResponse *pb);
bo_showtimes *bo_showtimes_from(const Boxoffice__V1__SearchShowtimesResponse *pb);
bo_screens *bo_screens_from(const Boxoffice__V1__ListScreensResponse *pb);
bo_seat_map *bo_seat_map_from(const Boxoffice__V1__SeatMap *pb);
bo_session *bo_session_from(const Boxoffice__V1__AuthSession *pb);
bo_account *bo_account_from(const Boxoffice__V1__Account *pb);
bo_hold *bo_hold_from(const Boxoffice__V1__Hold *pb);
bo_holds *bo_holds_from(const Boxoffice__V1__ListHoldsResponse *pb);
bo_released *bo_released_from(const Boxoffice__V1__ReleaseHoldResponse *pb);
bo_booking *bo_booking_from(const Boxoffice__V1__Booking *pb);
bo_bookings *bo_bookings_from(const Boxoffice__V1__ListBookingsResponse *pb);
bo_quote *bo_quote_from(const Boxoffice__V1__Quote *pb);
bo_review *bo_review_from(const Boxoffice__V1__Review *pb);
bo_reviews *bo_reviews_from(const Boxoffice__V1__ListReviewsResponse *pb);

#endif
