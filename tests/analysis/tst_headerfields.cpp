// DisplayFilter::readsOnlyHeaders: a filter pass for a filter that reads only fields of the
// headers up to TCP and UDP (DisplayFilter::isHeaderField) dissects without handing TCP's
// payloads on (Dissection::setTcpPayloads(false): no reassembly, no application protocol).
// That is only right if no such field depends on what the payloads hold. This test dissects
// every corpus file and the repository's reassembly and tunnel captures twice, collecting
// every header field: with TCP's payloads and without. Both must collect the same.

#include "analysis/displayfilter.h"
#include "capfile/capturefilereader.h"
#include "capfile/fieldmultiset.h"
#include "corpusfiles.h"
#include "dissect/dissection.h"
#include "dissect/registry.h"

#include <QTest>

namespace {

const pl::FieldInterest &headerFields()
{
    static const pl::FieldInterest interest = [] {
        const pl::Registry &reg = pl::Registry::instance();
        pl::FieldInterest in(reg.fieldCount(), 0);
        for (size_t f = 0; f < reg.fieldCount(); ++f)
            in[f] = pl::DisplayFilter::isHeaderField(reg.field(pl::FieldId(f)).abbrev);
        return in;
    }();
    return interest;
}

} // namespace

class TestHeaderFields : public QObject
{
    Q_OBJECT
private slots:
    void classification()
    {
        using pl::DisplayFilter;
        for (const char *f :
             {"tcp", "tcp.port", "tcp.len", "tcp.analysis.flags", "tcp.seq", "tcp.stream",
              "tcp.payload", "ip.addr", "ipv6.src", "udp.port", "eth.src", "vlan.id", "arp.opcode",
              "icmp.type", "frame.len", "frame.time_delta"})
            QVERIFY2(DisplayFilter::isHeaderField(f), f);
        for (const char *f : {"http.host", "tls.handshake.type", "dns.qry.name", "data",
                              "frame.protocols", "tcp.segment_data", "tcp.reassembled_in",
                              "tcp.segments", "_ws.expert", "_ws.malformed", "ipx", "tcpx"})
            QVERIFY2(!DisplayFilter::isHeaderField(f), f);
        QVERIFY(DisplayFilter::compile("tcp.port == 443 && tcp.len > 0").readsOnlyHeaders());
        QVERIFY(DisplayFilter::compile("ip.addr == 10.0.0.0/8 || arp").readsOnlyHeaders());
        QVERIFY(!DisplayFilter::compile("tcp.port == 80 && http").readsOnlyHeaders());
        QVERIFY(!DisplayFilter::compile("_ws.expert").readsOnlyHeaders());
        QVERIFY(!DisplayFilter::compile("").readsOnlyHeaders());
    }

    void withoutTcpPayloadsHeadersAreTheSame_data()
    {
        QTest::addColumn<QString>("file");
        const QString data = QStringLiteral(PACKETLENS_SOURCE_DIR "/tests/data/");
        for (const char *f :
             {"http-split.pcap", "tls-12-split.pcap", "tls-13-split.pcap", "dns-loopback.pcap",
              "ipfrag-crafted.pcap", "vxlan-crafted.pcap", "gre.pcap", "tcp-loss.pcap",
              "tcp-analysis-crafted.pcap", "tls-hostile.pcap"})
            QTest::newRow(f) << data + QLatin1String(f);
        if (!pltest::haveCorpus())
            return; // the repository's captures still run
        for (const QString &f : pltest::corpusCaptures())
            QTest::newRow(qPrintable(f)) << pltest::corpusDir() + QLatin1Char('/') + f;
    }

    void withoutTcpPayloadsHeadersAreTheSame()
    {
        QFETCH(QString, file);
        pl::CaptureFileReader reader;
        QVERIFY2(reader.open(file.toStdString()), reader.error().c_str());
        pl::Dissection full(pl::Dissection::Mode::Summary), headers(pl::Dissection::Mode::Summary);
        full.setInterest(&headerFields());
        headers.setInterest(&headerFields());
        headers.setTcpPayloads(false);
        pl::Session fullSession, headersSession;
        pl::CapturedPacket p;
        QString report;
        while (reader.next(p) && report.size() < 4000) {
            full.dissect(p.frame, &fullSession);
            headers.dissect(p.frame, &headersSession);
            const auto want = pltest::occurrences(full), got = pltest::occurrences(headers);
            if (want == got)
                continue;
            std::vector<pltest::Occurrence> onlyFull, onlyHeaders;
            pltest::difference(want, got, onlyFull, onlyHeaders);
            for (const auto &o : onlyFull)
                report += QStringLiteral("  frame %1: with payloads only: %2\n")
                              .arg(p.frame.number)
                              .arg(QString::fromStdString(pltest::describe(o)));
            for (const auto &o : onlyHeaders)
                report += QStringLiteral("  frame %1: without payloads only: %2\n")
                              .arg(p.frame.number)
                              .arg(QString::fromStdString(pltest::describe(o)));
        }
        QVERIFY2(report.isEmpty(), qPrintable(file + QStringLiteral(":\n") + report));
    }
};

QTEST_APPLESS_MAIN(TestHeaderFields)
#include "tst_headerfields.moc"
