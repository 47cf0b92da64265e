#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "server.h"

#define READY_TIMEOUT_MS 60000
#define STOP_TIMEOUT_MS 30000

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void remove_dir(const char *path)
{
    DIR *d = opendir(path);
    if (d == NULL)
        return;
    struct dirent *e;
    char file[512];
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(file, sizeof file, "%s/%s", path, e->d_name);
        unlink(file);
    }
    closedir(d);
    rmdir(path);
}

/* Parses "... boxofficed ready on HOST:PORT (...)" into s. */
static int parse_ready(test_server *s, const char *line)
{
    const char *p = strstr(line, "boxofficed ready on ");
    if (p == NULL)
        return 0;
    p += strlen("boxofficed ready on ");
    const char *end = strchr(p, ' ');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    const char *colon = p + len;
    while (colon > p && *colon != ':')
        colon--;
    if (*colon != ':' || (size_t)(colon - p) >= sizeof s->host)
        return 0;
    memcpy(s->host, p, (size_t)(colon - p));
    s->host[colon - p] = '\0';
    s->port = (uint16_t)atoi(colon + 1);
    return s->port != 0;
}

/* Reads the server's stdout line by line until the ready line, EOF or the deadline. */
static int await_ready(test_server *s)
{
    char buf[4096];
    size_t used = 0;
    long long deadline = now_ms() + READY_TIMEOUT_MS;
    for (;;) {
        long long left = deadline - now_ms();
        if (left <= 0) {
            fprintf(stderr, "boxofficed did not say it was ready within %d s\n",
                    READY_TIMEOUT_MS / 1000);
            return -1;
        }
        struct pollfd p = {.fd = s->out_fd, .events = POLLIN};
        int n = poll(&p, 1, (int)left);
        if (n < 0 && errno != EINTR)
            return -1;
        if (n <= 0)
            continue;
        ssize_t got = read(s->out_fd, buf + used, sizeof buf - 1 - used);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) {
            fprintf(stderr, "boxofficed exited before it was ready\n");
            return -1;
        }
        used += (size_t)got;
        buf[used] = '\0';
        char *nl;
        while ((nl = strchr(buf, '\n')) != NULL) {
            *nl = '\0';
            if (parse_ready(s, buf))
                return 0;
            used -= (size_t)(nl + 1 - buf);
            memmove(buf, nl + 1, used + 1);
        }
        if (used == sizeof buf - 1)
            used = 0; /* an endless line: not the one we want */
    }
}

int server_start(test_server *s, const char *binary)
{
    memset(s, 0, sizeof *s);
    s->pid = -1;
    s->out_fd = -1;
    if (access(binary, X_OK) != 0) {
        fprintf(stderr, "cannot run the server %s: %s (set BOXOFFICED to a boxofficed binary)\n",
                binary, strerror(errno));
        return -1;
    }
    strcpy(s->dir, "/tmp/boxoffice-c-test.XXXXXX");
    if (mkdtemp(s->dir) == NULL) {
        perror("mkdtemp");
        return -1;
    }
    char db[128];
    snprintf(db, sizeof db, "%s/t.sqlite", s->dir);
    int fds[2];
    if (pipe(fds) != 0) {
        perror("pipe");
        remove_dir(s->dir);
        return -1;
    }
    pid_t parent = getpid();
    s->pid = fork();
    if (s->pid < 0) {
        perror("fork");
        close(fds[0]);
        close(fds[1]);
        remove_dir(s->dir);
        return -1;
    }
    if (s->pid == 0) {
        /* If the test dies without stopping us, the server must not live on. */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != parent)
            _exit(1);
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        /* The tests sign up and buy faster than the per-client limits allow a person: trust loopback. */
        execl(binary, binary, "--port", "0", "--database", db, "--log-level", "warning",
              "--trusted", "127.0.0.1", (char *)NULL);
        fprintf(stderr, "exec %s: %s\n", binary, strerror(errno));
        _exit(127);
    }
    close(fds[1]);
    s->out_fd = fds[0];
    if (await_ready(s) != 0) {
        server_stop(s);
        return -1;
    }
    return 0;
}

void server_stop(test_server *s)
{
    if (s->pid > 0) {
        kill(s->pid, SIGTERM);
        long long deadline = now_ms() + STOP_TIMEOUT_MS;
        int status;
        while (waitpid(s->pid, &status, WNOHANG) == 0) {
            if (now_ms() > deadline) {
                fprintf(stderr, "boxofficed ignored SIGTERM; killing it\n");
                kill(s->pid, SIGKILL);
                waitpid(s->pid, &status, 0);
                break;
            }
            nanosleep(&(struct timespec){.tv_nsec = 20 * 1000 * 1000}, NULL);
        }
        s->pid = -1;
    }
    if (s->out_fd >= 0) {
        close(s->out_fd);
        s->out_fd = -1;
    }
    if (s->dir[0] != '\0') {
        remove_dir(s->dir);
        s->dir[0] = '\0';
    }
}
