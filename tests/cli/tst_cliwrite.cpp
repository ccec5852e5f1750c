// packetlens-cli -r IN -w OUT keeps what tshark reads back (interfaces, comments, times), and
// the application's dissection exports print what the CLI prints (-T json, -V -x).

#include "analysis/sessionexporter.h"
#include "clirun.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using pltest::corpusFile;
using pltest::runCli;
using pltest::runProgram;

namespace {

QByteArray tsharkFields(const QString &file, const QStringList &fields)
{
    QStringList args{QStringLiteral("-r"), file, QStringLiteral("-T"), QStringLiteral("fields")};
    for (const QString &f : fields)
        args << QStringLiteral("-e") << f;
    const auto r = runProgram(pltest::tsharkPath(), args);
    return r.exitCode == 0 ? r.out : QByteArray("tshark failed: ") + r.err;
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TestCliWrite : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        if (!pltest::haveCorpus())
            QSKIP("the shared corpus (PACKETLENS_CORPUS) is not there");
        QVERIFY(m_dir.isValid());
    }

    void keepsInterfacesAndComments_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("format");
        QTest::addColumn<QStringList>("fields");
        const QStringList all{
            QStringLiteral("frame.interface_id"), QStringLiteral("frame.interface_name"),
            QStringLiteral("frame.encap_type"),   QStringLiteral("frame.time_epoch"),
            QStringLiteral("frame.len"),          QStringLiteral("frame.cap_len"),
            QStringLiteral("frame.comment")};
        const QStringList pcap{QStringLiteral("frame.time_epoch"), QStringLiteral("frame.len"),
                               QStringLiteral("frame.cap_len"), QStringLiteral("frame.encap_type")};
        QTest::newRow("comments pcapng")
            << QStringLiteral("pcapng-test-generator/le_basic_test009.pcapng")
            << QStringLiteral("pcapng") << all;
        QTest::newRow("interfaces pcapng")
            << QStringLiteral("pcapplusplus/many_interfaces-1.pcapng") << QStringLiteral("pcapng")
            << all;
        QTest::newRow("nanoseconds pcap-ns") << QStringLiteral("tcpdump/tcp-handshake-nano.pcap")
                                             << QStringLiteral("pcap-ns") << pcap;
        QTest::newRow("pcapng to pcap")
            << QStringLiteral("pcapng-test-generator/le_basic_test009.pcapng")
            << QStringLiteral("pcap") << pcap;
    }

    void keepsInterfacesAndComments()
    {
        QFETCH(QString, file);
        QFETCH(QString, format);
        QFETCH(QStringList, fields);
        if (pltest::tsharkPath().isEmpty())
            QSKIP("tshark is not installed");
        const QString out = m_dir.filePath(QStringLiteral("out.") + format);
        const auto r = runCli({QStringLiteral("-r"), corpusFile(file), QStringLiteral("-w"), out,
                               QStringLiteral("-F"), format});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QByteArray expected = tsharkFields(corpusFile(file), fields);
        QVERIFY(!expected.isEmpty());
        QCOMPARE(tsharkFields(out, fields), expected);
    }

    void pcapRefusesSeveralLinkTypes()
    {
        const QString out = m_dir.filePath(QStringLiteral("mixed.pcap"));
        const auto r =
            runCli({QStringLiteral("-r"),
                    corpusFile(QStringLiteral("pcapplusplus/many_interfaces-1.pcapng")),
                    QStringLiteral("-w"), out, QStringLiteral("-F"), QStringLiteral("pcap")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("a pcap file holds one link type only; save as pcapng"),
                 r.err.constData());
    }

    void jsonExportIsCliJson()
    {
        const QString source = corpusFile(QStringLiteral("tcpdump/print-flags.pcap"));
        const QString out = m_dir.filePath(QStringLiteral("out.json"));
        pl::SessionExporter::Options o;
        o.format = pl::SessionExporter::Format::Json;
        const auto r = pl::SessionExporter::exportFile(source, out, o);
        QVERIFY2(r.ok, qPrintable(r.error));
        const auto cli = runCli({QStringLiteral("-r"), source, QStringLiteral("-T"),
                                 QStringLiteral("json"), QStringLiteral("-x")});
        QCOMPARE(cli.exitCode, 0);
        const QJsonDocument exported = QJsonDocument::fromJson(readFile(out));
        QVERIFY(exported.isArray());
        QCOMPARE(exported.array().size(), 10);
        // The export carries offsets and lengths (issue 5): `-T json -x`'s `_raw` entries.
        QVERIFY(exported.array()[0]
                    .toObject()[QStringLiteral("_source")]
                    .toObject()[QStringLiteral("layers")]
                    .toObject()[QStringLiteral("ip")]
                    .toObject()
                    .contains(QStringLiteral("ip.ttl_raw")));
        QCOMPARE(exported, QJsonDocument::fromJson(cli.out));

        // Without jsonRaw it is plain `-T json`.
        o.jsonRaw = false;
        const auto r2 = pl::SessionExporter::exportFile(source, out, o);
        QVERIFY2(r2.ok, qPrintable(r2.error));
        const auto plain =
            runCli({QStringLiteral("-r"), source, QStringLiteral("-T"), QStringLiteral("json")});
        QCOMPARE(plain.exitCode, 0);
        QCOMPARE(QJsonDocument::fromJson(readFile(out)), QJsonDocument::fromJson(plain.out));
    }

    void textExportIsCliTreeAndHex()
    {
        // Without the summary line, Wireshark's text export is tshark -V -x's layout.
        const QString source = corpusFile(QStringLiteral("tcpdump/dns_tcp.pcap"));
        const QString out = m_dir.filePath(QStringLiteral("out.txt"));
        pl::SessionExporter::Options o;
        o.format = pl::SessionExporter::Format::Text;
        o.textSummary = false;
        o.textBytes = true;
        const auto r = pl::SessionExporter::exportFile(source, out, o);
        QVERIFY2(r.ok, qPrintable(r.error));
        const auto cli =
            runCli({QStringLiteral("-r"), source, QStringLiteral("-V"), QStringLiteral("-x")});
        QCOMPARE(cli.exitCode, 0);
        QVERIFY(cli.out.endsWith("\n\n"));
        QCOMPARE(readFile(out), cli.out.chopped(1));
    }

private:
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestCliWrite)
#include "tst_cliwrite.moc"
