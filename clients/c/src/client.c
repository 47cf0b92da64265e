/* The handle: opening and closing it, and its settings and last status. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* bo_connect has no handle to report through when it fails, so it leaves the reason here, per
 * thread like errno. */
static _Thread_local int connect_code;
static _Thread_local char connect_msg[256];

const char *bo_version(void)
{
    return BO_VERSION;
}

bo_client *bo_connect(const char *host, uint16_t port, int timeout_ms)
{
    connect_code = BO_OK;
    connect_msg[0] = '\0';
    if (host == NULL) {
        connect_code = BO_ERR_ARGUMENT;
        strcpy(connect_msg, "host is NULL");
        return NULL;
    }
    bo_client *h = calloc(1, sizeof *h);
    if (h == NULL) {
        connect_code = BO_ERR_NOMEM;
        strcpy(connect_msg, "out of memory");
        return NULL;
    }
    h->timeout_ms = timeout_ms > 0 ? timeout_ms : 0;
    h->max_frame = BO_DEFAULT_MAX_FRAME;
    int rc = bo_tcp_connect(host, port, h->timeout_ms, &h->fd, connect_msg, sizeof connect_msg);
    if (rc != BO_OK) {
        connect_code = rc;
        free(h);
        return NULL;
    }
    return h;
}

int bo_connect_errcode(void)
{
    return connect_code;
}

const char *bo_connect_errmsg(void)
{
    return connect_msg;
}

void bo_close(bo_client *h)
{
    if (h == NULL)
        return;
    bo_disconnect(h);
    free(h->token);
    free(h);
}

int bo_connected(const bo_client *h)
{
    return h != NULL && h->fd >= 0;
}

int bo_errcode(const bo_client *h)
{
    return h ? h->code : BO_ERR_ARGUMENT;
}

const char *bo_errmsg(const bo_client *h)
{
    return h ? h->msg : "no handle";
}

uint32_t bo_retry_after_ms(const bo_client *h)
{
    return h ? h->retry_after_ms : 0;
}

void bo_set_timeout(bo_client *h, int timeout_ms)
{
    if (h)
        h->timeout_ms = timeout_ms > 0 ? timeout_ms : 0;
}

void bo_set_max_frame(bo_client *h, uint32_t max_bytes)
{
    if (h)
        h->max_frame = max_bytes;
}

uint32_t bo_max_frame(const bo_client *h)
{
    return h ? h->max_frame : 0;
}

int bo_set_token(bo_client *h, const char *token)
{
    if (h == NULL)
        return BO_ERR_ARGUMENT;
    char *copy = NULL;
    if (token != NULL && token[0] != '\0' && (copy = strdup(token)) == NULL)
        return BO_ERR_NOMEM;
    free(h->token);
    h->token = copy;
    return BO_OK;
}

const char *bo_token(const bo_client *h)
{
    return h && h->token ? h->token : "";
}
