/*
 * bench_boost.cpp - Boost.Interprocess message_queue for mq_bench (see
 * bench_boost.h). Built only when Boost.Interprocess headers are found, with
 * BOOST_INTERPROCESS_SHARED_DIR_PATH set: Boost's default "bootstamp"
 * directory lookup fails under Wine (shared WINE.md).
 */
#include "bench_boost.h"

#include <stdio.h>

#include <exception>
#include <new>

#include <boost/interprocess/ipc/message_queue.hpp>

namespace bip = boost::interprocess;

static void set_error(char *err, size_t errlen, const char *what, const char *detail)
{
    if (err && errlen)
        snprintf(err, errlen, "%s: %s", what, detail);
}

extern "C" void *bench_boost_open(const char *name, int create, unsigned max_msgs, unsigned msg_size,
                                  char *err, size_t errlen)
{
    try {
        if (create) {
            bip::message_queue::remove(name);
            return new bip::message_queue(bip::create_only, name, max_msgs, msg_size);
        }
        return new bip::message_queue(bip::open_only, name);
    } catch (const std::exception &e) {
        set_error(err, errlen, create ? "message_queue(create_only)" : "message_queue(open_only)", e.what());
    } catch (...) {
        set_error(err, errlen, "message_queue", "unknown exception");
    }
    return NULL;
}

extern "C" int bench_boost_send(void *q, const void *buf, unsigned size, char *err, size_t errlen)
{
    try {
        static_cast<bip::message_queue *>(q)->send(buf, size, 0);
        return 1;
    } catch (const std::exception &e) {
        set_error(err, errlen, "message_queue::send", e.what());
    } catch (...) {
        set_error(err, errlen, "message_queue::send", "unknown exception");
    }
    return 0;
}

extern "C" int bench_boost_receive(void *q, void *buf, unsigned size, unsigned *received, char *err,
                                   size_t errlen)
{
    try {
        bip::message_queue::size_type got = 0;
        unsigned int priority = 0;
        static_cast<bip::message_queue *>(q)->receive(buf, size, got, priority);
        *received = static_cast<unsigned>(got);
        return 1;
    } catch (const std::exception &e) {
        set_error(err, errlen, "message_queue::receive", e.what());
    } catch (...) {
        set_error(err, errlen, "message_queue::receive", "unknown exception");
    }
    return 0;
}

extern "C" void bench_boost_close(void *q) { delete static_cast<bip::message_queue *>(q); }

extern "C" void bench_boost_remove(const char *name)
{
    try {
        bip::message_queue::remove(name);
    } catch (...) {
    }
}
