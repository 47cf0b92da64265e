/* Status codes: their names, and recording a call's outcome in the handle. */
#include <stdarg.h>
#include <stdio.h>

#include "internal.h"

const char *bo_code_name(int code)
{
    static const char *const server[] = {
        "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
        "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
        "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
        "UNAUTHENTICATED",
    };
    static const char *const local[] = {
        "BO_ERR_CONNECT", "BO_ERR_TIMEOUT", "BO_ERR_CLOSED", "BO_ERR_FRAME_TOO_LARGE",
        "BO_ERR_DECODE", "BO_ERR_IO", "BO_ERR_NOMEM", "BO_ERR_ARGUMENT", "BO_ERR_PROTOCOL",
    };
    const int n_server = (int)(sizeof server / sizeof server[0]);
    const int n_local = (int)(sizeof local / sizeof local[0]);
    if (code >= 0 && code < n_server)
        return server[code];
    if (code < 0 && -code <= n_local)
        return local[-code - 1];
    return "UNKNOWN_CODE";
}

int bo_record(bo_client *h, int code, const char *msg, uint32_t retry_after_ms)
{
    if (h) {
        h->code = code;
        h->retry_after_ms = retry_after_ms;
        snprintf(h->msg, sizeof h->msg, "%s", msg ? msg : "");
    }
    return code;
}

int bo_fail(bo_client *h, int code, const char *fmt, ...)
{
    if (h) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(h->msg, sizeof h->msg, fmt, ap);
        va_end(ap);
        h->code = code;
        h->retry_after_ms = 0;
    }
    return code;
}
