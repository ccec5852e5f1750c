// `packetlens-cli -q -z follow,...` against `tshark -q -z follow,...`: the bytes the peers
// exchanged, in tshark's three report formats, byte for byte. Over every corpus capture (the
// first TCP and UDP stream, raw bytes) and every mode on captures with HTTP exchanges split
// over segments (one_ipv6_http_stream.pcap: responses spread over several segments).

#include "clirun.h"

#include <QTest>

using namespace pltest;

namespace {

/// Kept differences, each with its reason.
struct Kept
{
    const char *capture;
    const char *spec;
    const char *reason;
};
const Kept kKept[] = {
    {"tcpdump/vxlan.pcap", "follow,udp,raw,0",
     "tshark names the nodes with the inner packet's IP addresses and the outer UDP ports (its "
     "follow reads the packet's last addresses); we show the outer conversation's"},
    {"tcpdump/ipv6-routing-header.pcap", "follow,udp,raw,0",
     "tshark's follow takes no packet of this UDP stream (behind a type 0 routing header, its "
     "conversation uses the final destination); we follow the datagrams as sent"},
};

QStringList followArgs(const QString &file, const QString &spec)
{
    return {QStringLiteral("-r"), file, QStringLiteral("-q"), QStringLiteral("-z"), spec};
}

} // namespace

class TestFollow : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        if (tsharkPath().isEmpty())
            QSKIP("tshark is not installed (apt-get install tshark): no follow comparison");
        if (!haveCorpus())
            QSKIP("PACKETLENS_CORPUS does not name the corpus directory (../shared/corpus)");
    }

    void sameReportAsTshark_data()
    {
        QTest::addColumn<QString>("capture");
        QTest::addColumn<QString>("spec");
        for (const QString &f : corpusCaptures()) {
            for (const char *spec : {"follow,tcp,raw,0", "follow,udp,raw,0"})
                QTest::newRow(qPrintable(f + QLatin1Char(' ') + QLatin1String(spec)))
                    << f << QString::fromLatin1(spec);
        }
        for (const char *f : {"pcapplusplus/one_ipv6_http_stream.pcap", "tcpdump/print-flags.pcap",
                              "tcpdump/dns_tcp.pcap"})
            for (const char *spec : {"follow,tcp,ascii,0", "follow,tcp,hex,0", "follow,tcp,raw,0",
                                     "follow,tcp,hex,1", "follow,tcp,ascii,5"})
                QTest::newRow(qPrintable(QLatin1String(f) + QLatin1Char(' ') + QLatin1String(spec)))
                    << QString::fromLatin1(f) << QString::fromLatin1(spec);
    }

    void sameReportAsTshark()
    {
        QFETCH(QString, capture);
        QFETCH(QString, spec);
        for (const Kept &k : kKept)
            if (capture == QLatin1String(k.capture) && spec == QLatin1String(k.spec))
                QSKIP(k.reason);
        const QString file = corpusFile(capture);
        const RunResult theirs = runProgram(tsharkPath(), followArgs(file, spec));
        const RunResult ours = runCli(followArgs(file, spec));
        QCOMPARE(ours.exitCode, theirs.exitCode);
        QCOMPARE(QString::fromLatin1(ours.out), QString::fromLatin1(theirs.out));
    }

    void badSpecification()
    {
        for (const char *bad : {"follow,tcp,ascii", "follow,sctp,ascii,0", "follow,tcp,yaml,0",
                                "follow,tcp,ascii,x", "io,stat,1"}) {
            const RunResult r = runCli(followArgs(
                corpusFile(QStringLiteral("tcpdump/print-flags.pcap")), QString::fromLatin1(bad)));
            QCOMPARE(r.exitCode, 1);
            QVERIFY2(r.err.contains("Invalid -z argument"), r.err.constData());
        }
    }
};

QTEST_GUILESS_MAIN(TestFollow)
#include "tst_follow.moc"
