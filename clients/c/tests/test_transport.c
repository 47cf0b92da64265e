/* The client against broken peers: refused connections, frames cut short, oversized or
 * undecodable, silence, and answers that arrive out of turn. */
#include <string.h>
#include <time.h>

#include "check.h"
#include "fake.h"
#include "tests.h"

#define TIMEOUT_MS 5000

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Starts a fake that answers with reply and connects a client to it; NULL on failure. */
static bo_client *connect_fake(fake_server *f, const uint8_t *reply, size_t len, int hang_up,
                               int timeout_ms)
{
    if (!CHECK(fake_start(f, reply, len, hang_up) == 0))
        return NULL;
    bo_client *h = bo_connect("127.0.0.1", f->port, timeout_ms);
    CHECK(h != NULL);
    return h;
}

static void test_connect_refused(void *arg)
{
    (void)arg;
    bo_client *h = bo_connect("127.0.0.1", closed_port(), TIMEOUT_MS);
    CHECK(h == NULL);
    CHECK(bo_connect_errcode() == BO_ERR_CONNECT);
    CHECK(strstr(bo_connect_errmsg(), "refused") != NULL);
    bo_close(h);
}

static void test_closed_mid_frame(void *arg)
{
    (void)arg;
    /* A length of 100, then 50 bytes, then the connection closes. */
    uint8_t reply[4 + 50] = {0, 0, 0, 100};
    fake_server f;
    bo_client *h = connect_fake(&f, reply, sizeof reply, 1, TIMEOUT_MS);
    static bo_info sentinel;
    bo_info *info = &sentinel; /* a failed call must reset it to NULL */
    CHECK_RC(h, bo_get_info(h, &info), BO_ERR_CLOSED);
    CHECK(info == NULL);
    CHECK(!bo_connected(h));
    CHECK_RC(h, bo_get_info(h, NULL), BO_ERR_CLOSED);
    bo_close(h);
    fake_stop(&f);
}

static void test_oversized_frame(void *arg)
{
    (void)arg;
    /* Only the prefix, claiming 2 GiB; the fake then waits, so a client that tried to read the
     * body would hang until its timeout. */
    static const uint8_t reply[] = {0x7f, 0xff, 0xff, 0xff};
    fake_server f;
    bo_client *h = connect_fake(&f, reply, sizeof reply, 0, TIMEOUT_MS);
    long long start = now_ms();
    CHECK_RC(h, bo_get_info(h, NULL), BO_ERR_FRAME_TOO_LARGE);
    CHECK(now_ms() - start < TIMEOUT_MS / 2);
    CHECK(!bo_connected(h));
    bo_close(h);
    fake_stop(&f);
}

static void test_max_frame_setting(void *arg)
{
    (void)arg;
    /* A 16-byte Response: call_id 1, status {NOT_FOUND, "notfound"}. */
    static const uint8_t exact[] = {0, 0, 0, 16, 0x08, 0x01, 0x12, 0x0c, 0x08, 0x05,
                                    0x12, 0x08, 'n', 'o', 't', 'f', 'o', 'u', 'n', 'd'};
    fake_server f;
    bo_client *h = connect_fake(&f, exact, sizeof exact, 0, TIMEOUT_MS);
    CHECK(bo_max_frame(h) == BO_DEFAULT_MAX_FRAME);
    bo_set_max_frame(h, 16);
    CHECK_RC(h, bo_get_info(h, NULL), BO_NOT_FOUND);
    CHECK(strcmp(bo_errmsg(h), "notfound") == 0);
    bo_close(h);
    fake_stop(&f);

    h = connect_fake(&f, exact, sizeof exact, 0, TIMEOUT_MS);
    bo_set_max_frame(h, 15);
    CHECK_RC(h, bo_get_info(h, NULL), BO_ERR_FRAME_TOO_LARGE);
    bo_close(h);
    fake_stop(&f);
}

static void test_silent_server(void *arg)
{
    (void)arg;
    fake_server f;
    bo_client *h = connect_fake(&f, NULL, 0, 0, 300);
    long long start = now_ms();
    CHECK_RC(h, bo_get_info(h, NULL), BO_ERR_TIMEOUT);
    CHECK(now_ms() - start >= 250);
    /* Nothing of the answer arrived, so the stream is still in step. */
    CHECK(bo_connected(h));
    bo_close(h);
    fake_stop(&f);
}

static void test_undecodable_answer(void *arg)
{
    (void)arg;
    static const uint8_t reply[] = {0, 0, 0, 4, 0xff, 0xff, 0xff, 0xff};
    fake_server f;
    bo_client *h = connect_fake(&f, reply, sizeof reply, 0, TIMEOUT_MS);
    CHECK_RC(h, bo_get_info(h, NULL), BO_ERR_DECODE);
    bo_close(h);
    fake_stop(&f);
}

static void test_answer_matched_by_call_id(void *arg)
{
    (void)arg;
    /* First an answer to call 77 (NOT_FOUND), then the one to call 1 (UNAUTHENTICATED). */
    static const uint8_t reply[] = {0, 0, 0, 6, 0x08, 77, 0x12, 0x02, 0x08, 5,
                                    0, 0, 0, 6, 0x08, 1, 0x12, 0x02, 0x08, 16};
    fake_server f;
    bo_client *h = connect_fake(&f, reply, sizeof reply, 0, TIMEOUT_MS);
    CHECK_RC(h, bo_get_info(h, NULL), BO_UNAUTHENTICATED);
    bo_close(h);
    fake_stop(&f);
}

void transport_tests(void)
{
    run_test("connect to a closed port is BO_ERR_CONNECT", test_connect_refused, NULL);
    run_test("server closing mid-frame is BO_ERR_CLOSED", test_closed_mid_frame, NULL);
    run_test("oversized length prefix is refused at once", test_oversized_frame, NULL);
    run_test("bo_set_max_frame bounds answers", test_max_frame_setting, NULL);
    run_test("silent server is BO_ERR_TIMEOUT", test_silent_server, NULL);
    run_test("undecodable answer is BO_ERR_DECODE", test_undecodable_answer, NULL);
    run_test("answers are matched by call_id", test_answer_matched_by_call_id, NULL);
}
