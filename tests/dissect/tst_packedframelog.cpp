// PackedFrameLog and VersionedFrameLog (dissect/packedframelog.h): records packed into blocks,
// found again per frame as FrameLog finds them: several records a frame in order, frames without
// records, lookups in any order, a new dissection (serial) starting again, and values of every size
// (negative, 64-bit) surviving the packing across block and group boundaries.

#include "dissect/packedframelog.h"
#include "dissect/session.h"

#include <QTest>

#include <random>

namespace {

struct Value
{
    uint64_t u = 0;
    int64_t s = 0;
    uint64_t frameRef = 0; // a frame number, written as a distance
    bool operator==(const Value &) const = default;
};

struct ValueCodec
{
    static constexpr size_t kMaxBytes = 3 * 10;
    static void put(pl::PackWriter &w, uint64_t frame, const Value &v)
    {
        w.u(v.u);
        w.s(v.s);
        w.s(int64_t(frame - v.frameRef));
    }
    static Value get(pl::PackReader &r, uint64_t frame)
    {
        Value v;
        v.u = r.u();
        v.s = r.s();
        v.frameRef = frame - uint64_t(r.s());
        return v;
    }
};

} // namespace

class TestPackedFrameLog : public QObject
{
    Q_OBJECT
private slots:
    void sameAnswersAsFrameLog()
    {
        // 300,000 records over 200,000 frames: many 64 KiB blocks and 16-record groups; some
        // frames hold none, some several.
        pl::PackedFrameLog<Value, ValueCodec> packed;
        pl::FrameLog<Value> plain;
        std::mt19937_64 rng(7);
        uint64_t frame = 1;
        for (int i = 0; i < 300000; ++i) {
            frame += rng() % 3 == 0 ? 1 + rng() % 3 : 0; // 0: another record in this frame
            const int kind = int(rng() % 4);
            Value v;
            v.u = kind == 0 ? ~uint64_t(0) : rng() % (uint64_t(1) << (rng() % 40));
            v.s = kind == 1   ? INT64_MIN
                  : kind == 2 ? INT64_MAX
                              : int64_t(rng() % 2000000) - 1000000;
            v.frameRef = frame - rng() % (frame + 1);
            packed.record(frame, v);
            plain.record(frame, v);
        }
        uint64_t serial = 0;
        auto same = [&](uint64_t f) {
            ++serial;
            for (int k = 0;; ++k) {
                const Value *a = packed.next(f, serial);
                const Value *b = plain.next(f, serial);
                if (!a || !b)
                    return !a && !b;
                if (!(*a == *b))
                    return false;
                if (k > 1000)
                    return false; // a loop
            }
        };
        for (uint64_t f = frame + 2; f >= 1; --f) // backwards: no help from a cursor
            QVERIFY2(same(f), qPrintable(QString::number(f)));
        for (int i = 0; i < 20000; ++i) {
            const uint64_t f = rng() % (frame + 3);
            QVERIFY2(same(f), qPrintable(QString::number(f)));
        }
    }

    void aNewDissectionStartsAgain()
    {
        pl::PackedFrameLog<Value, ValueCodec> log;
        log.record(5, {1, -1, 5});
        log.record(5, {2, -2, 4});
        log.record(9, {3, -3, 1});
        QCOMPARE(log.next(5, 1)->u, 1u);
        QCOMPARE(log.next(5, 1)->u, 2u);
        QCOMPARE(log.next(5, 1), nullptr);      // frame 5 has two
        QCOMPARE(log.next(5, 2)->frameRef, 5u); // a new dissection of frame 5
        QCOMPARE(log.next(5, 2)->frameRef, 4u);
        QCOMPARE(log.next(7, 3), nullptr); // none
        QCOMPARE(log.next(9, 4)->s, -3);
        QCOMPARE(log.next(9, 4), nullptr);
        QCOMPARE(log.next(10, 5), nullptr);
        pl::PackedFrameLog<Value, ValueCodec> empty;
        QCOMPARE(empty.next(1, 1), nullptr);
    }

    void versionsAreKeptOncePerChange()
    {
        // Two conversations interleaved; a record names its conversation's state then.
        pl::VersionedFrameLog<Value, 1> log;
        log.record(1, 0, {10, 0, 0}, 0);
        log.record(2, 1, {20, 0, 0}, 1);
        log.record(3, 0, {10, 0, 0}, 1); // same state as frame 1: the same version
        log.record(4, 0, {11, 0, 0}, 0); // changed
        log.record(4, 1, {21, 0, 0}, 1); // a second record in frame 4
        uint32_t dir = 9;
        QCOMPARE(log.next(3, 1, &dir)->u, 10u);
        QCOMPARE(dir, 1u);
        QCOMPARE(log.next(1, 2, &dir)->u, 10u);
        QCOMPARE(dir, 0u);
        QCOMPARE(log.next(4, 3)->u, 11u);
        QCOMPARE(log.next(4, 3, &dir)->u, 21u);
        QCOMPARE(dir, 1u);
        QCOMPARE(log.next(4, 3), nullptr);
        QCOMPARE(log.next(2, 4)->u, 20u);
        QCOMPARE(log.next(5, 5), nullptr);
        // Frame 1's and 3's records share one version: its address is the same.
        QCOMPARE(log.next(1, 6), log.next(3, 7));
    }
};

QTEST_GUILESS_MAIN(TestPackedFrameLog)
#include "tst_packedframelog.moc"
