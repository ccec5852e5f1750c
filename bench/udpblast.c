/* udpblast ADDR PORT PAYLOAD_BYTES SECONDS [RATE]: the traffic generator of the live benchmarks
 * (bench/livecapture.sh, bench/guilatency.sh), compiled by them with cc.
 *
 * Sends UDP datagrams of PAYLOAD_BYTES to ADDR:PORT for SECONDS, up to 256 per sendmmsg call,
 * and prints "sent N packets in T s (K refused)" on stdout.
 *   RATE absent or 0: as fast as one core can (livecapture.sh's "blast").
 *   RATE > 0: paced at RATE datagrams per second. The schedule is absolute (packet i is due at
 *            t0 + i / RATE), sent in bursts of at most half a millisecond's worth, sleeping
 *            until the next burst is due (clock_nanosleep, TIMER_ABSTIME), so the rate over any
 *            second is RATE and the datagrams are spread over it rather than sent in one lump.
 *            When the sender cannot keep up it sends without sleeping; the printed count and
 *            time then show the rate it reached.
 * The socket is not connected, so ICMP port-unreachable replies do not turn into send errors.
 * Datagrams the kernel refuses (ENOBUFS and the like) are not counted as sent; in paced mode
 * they are retried, as the schedule counts only what was sent. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

enum { kBatch = 256 };

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleepUntil(double t)
{
    struct timespec ts;
    ts.tv_sec = (time_t)t;
    ts.tv_nsec = (long)((t - (double)ts.tv_sec) * 1e9);
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec += 1;
        ts.tv_nsec -= 1000000000L;
    }
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {
    }
}

int main(int argc, char **argv)
{
    if (argc != 5 && argc != 6) {
        fprintf(stderr, "usage: %s ADDR PORT PAYLOAD_BYTES SECONDS [RATE]\n", argv[0]);
        return 2;
    }
    struct sockaddr_in to;
    memset(&to, 0, sizeof to);
    to.sin_family = AF_INET;
    to.sin_port = htons((unsigned short)atoi(argv[2]));
    if (inet_pton(AF_INET, argv[1], &to.sin_addr) != 1) {
        fprintf(stderr, "udpblast: bad address %s\n", argv[1]);
        return 2;
    }
    size_t size = (size_t)atol(argv[3]);
    double seconds = atof(argv[4]);
    double rate = argc == 6 ? atof(argv[5]) : 0.0;
    if (rate < 0) {
        fprintf(stderr, "udpblast: bad rate %s\n", argv[5]);
        return 2;
    }
    static char payload[1500];
    if (size > sizeof payload)
        size = sizeof payload;
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) {
        perror("udpblast: socket");
        return 1;
    }
    struct iovec iov = {payload, size};
    static struct mmsghdr msgs[kBatch];
    for (int i = 0; i < kBatch; ++i) {
        msgs[i].msg_hdr.msg_name = &to;
        msgs[i].msg_hdr.msg_namelen = sizeof to;
        msgs[i].msg_hdr.msg_iov = &iov;
        msgs[i].msg_hdr.msg_iovlen = 1;
    }
    /* Paced: bursts of half a millisecond's worth (at least 1, at most a batch), so that the
     * sleeps stay well above the timer slack and the traffic is still spread evenly. */
    unsigned burst = kBatch;
    if (rate > 0) {
        double b = rate / 2000.0;
        burst = b < 1 ? 1 : b > kBatch ? kBatch : (unsigned)b;
    }
    unsigned long long sent = 0, refused = 0;
    double t0 = now(), end = t0 + seconds;
    for (;;) {
        double t = now();
        if (t >= end)
            break;
        unsigned n = kBatch;
        if (rate > 0) {
            /* Datagrams due by now on the absolute schedule, and none past the end. */
            double due = (t - t0) * rate - (double)sent;
            if (due < 1) {
                double next = t0 + ((double)sent + burst) / rate;
                sleepUntil(next < end ? next : end);
                continue;
            }
            n = due > kBatch ? kBatch : (unsigned)due;
        }
        int r = sendmmsg(fd, msgs, n, 0);
        if (r > 0)
            sent += (unsigned)r;
        else if (errno != EINTR)
            ++refused; /* e.g. ENOBUFS: the datagram at the head of the batch was not sent */
    }
    printf("sent %llu packets in %.3f s (%llu refused)\n", sent, now() - t0, refused);
    return 0;
}
