#include "dissect/checksum.h"

#include <QRandomGenerator>
#include <QTest>
#include <vector>

// The Internet checksum is summed in native 32-bit words for speed; it must equal RFC 1071's
// definition (big-endian 16-bit words, odd byte padded) for every length and content.
class TestChecksum : public QObject
{
    Q_OBJECT

    static uint16_t reference(const std::vector<uint8_t> &b, uint64_t start)
    {
        uint64_t sum = start;
        for (size_t i = 0; i < b.size(); i += 2)
            sum += uint32_t(b[i]) << 8 | (i + 1 < b.size() ? b[i + 1] : 0);
        while (sum >> 16)
            sum = (sum & 0xffff) + (sum >> 16);
        return uint16_t(~sum & 0xffff);
    }

private slots:
    void matchesRfc1071()
    {
        QRandomGenerator rng(1071);
        for (int n = 0; n < 20000; ++n) {
            std::vector<uint8_t> b(rng.bounded(1600));
            for (auto &x : b)
                x = uint8_t(n % 5 == 0 ? 0xff : rng.bounded(256)); // all-ones stresses carries
            const uint64_t start = rng.bounded(0x40000);
            QCOMPARE(pl::checksum::finish(pl::checksum::add(start, b.data(), b.size())),
                     reference(b, start));
        }
    }

    void knownIpv4Header()
    {
        // RFC 1071-style example: a real IPv4 header whose checksum field is 0xb861.
        const std::vector<uint8_t> h = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                                        0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
        QCOMPARE(pl::checksum::finish(pl::checksum::add(0, h.data(), h.size())), uint16_t(0));
        std::vector<uint8_t> zeroed = h;
        zeroed[10] = zeroed[11] = 0;
        QCOMPARE(pl::checksum::finish(pl::checksum::add(0, zeroed.data(), zeroed.size())),
                 uint16_t(0xb861));
    }
};

QTEST_APPLESS_MAIN(TestChecksum)
#include "tst_checksum.moc"
