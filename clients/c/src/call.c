/* One call: fill the Request envelope, send it, and wait for the Response with the same call_id. */
#include <stdlib.h>

#include "internal.h"

/* Reads frames until the answer to call_id arrives. Answers to other ids are late answers to
 * calls that timed out earlier on this connection, and are dropped. call_id 0 is the server
 * speaking about the connection itself (say, a frame it refused), which concerns this call too. */
static int await_answer(bo_client *h, uint64_t call_id, int64_t deadline,
                        Boxoffice__V1__Response **resp)
{
    for (;;) {
        uint8_t *body;
        size_t len;
        int rc = bo_frame_recv(h, deadline, &body, &len);
        if (rc != BO_OK)
            return rc;
        Boxoffice__V1__Response *r = boxoffice__v1__response__unpack(NULL, len, body);
        free(body);
        if (r == NULL) {
            bo_disconnect(h);
            return bo_fail(h, BO_ERR_DECODE, "the answer (%zu bytes) is not a valid Response", len);
        }
        if (r->call_id == call_id || r->call_id == 0) {
            *resp = r;
            return BO_OK;
        }
        boxoffice__v1__response__free_unpacked(r, NULL);
    }
}

int bo_call(bo_client *h, Boxoffice__V1__Request *req, const char *idempotency_key,
            Boxoffice__V1__Response **resp)
{
    *resp = NULL;
    if (h == NULL)
        return BO_ERR_ARGUMENT;
    if (h->fd < 0)
        return bo_fail(h, BO_ERR_CLOSED, "the connection is closed; connect again");

    req->call_id = ++h->last_call_id;
    /* The server may stop working on the call when the client would stop waiting anyway. */
    req->deadline_ms = (uint32_t)h->timeout_ms;
    req->auth_token = h->token ? h->token : "";
    req->idempotency_key = idempotency_key ? (char *)idempotency_key : "";

    size_t size = boxoffice__v1__request__get_packed_size(req);
    if (size > h->max_frame)
        return bo_fail(h, BO_ERR_FRAME_TOO_LARGE,
                       "the request of %zu bytes is over the maximum frame of %u bytes", size,
                       h->max_frame);
    uint8_t *frame = malloc(BO_PREFIX_BYTES + size);
    if (frame == NULL)
        return bo_fail(h, BO_ERR_NOMEM, "out of memory for a %zu-byte request", size);
    boxoffice__v1__request__pack(req, frame + BO_PREFIX_BYTES);

    int64_t deadline = bo_deadline(h->timeout_ms);
    int rc = bo_frame_send(h, frame, size, deadline);
    free(frame);
    Boxoffice__V1__Response *r = NULL;
    if (rc == BO_OK)
        rc = await_answer(h, req->call_id, deadline, &r);
    if (rc != BO_OK)
        return rc;

    const Boxoffice__V1__Status *st = r->status;
    rc = bo_record(h, st ? (int)st->code : BO_OK, st ? st->message : "",
                   st ? st->retry_after_ms : 0);
    /* Result and call share field numbers, so the expected result case is the call case. */
    if (rc == BO_OK && (int)r->result_case != (int)req->call_case)
        rc = bo_fail(h, BO_ERR_PROTOCOL, "the OK answer lacks the result of call %d",
                     (int)req->call_case);
    if (rc != BO_OK) {
        boxoffice__v1__response__free_unpacked(r, NULL);
        return rc;
    }
    *resp = r;
    return BO_OK;
}
