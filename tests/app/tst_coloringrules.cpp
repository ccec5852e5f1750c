// Coloring rules: Wireshark's colorfilters format (parse/serialize, its own file), errors with
// line numbers, disabled rules, the shipped defaults, and persistence.

#include "app/coloringrules.h"
#include "capfile/capturefilereader.h"
#include "corpusfiles.h"
#include "dissect/dissection.h"
#include "dissect/registry.h"
#include "dissect/session.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using pl::ColoringRule;
using pl::ColoringRules;

namespace {

ColoringRule rule(const char *name, const char *filter, QColor fg, QColor bg, bool enabled = true)
{
    return {QString::fromUtf8(name), QString::fromUtf8(filter), fg, bg, enabled};
}

QColor c16(quint16 r, quint16 g, quint16 b)
{
    return QColor::fromRgba64(r, g, b);
}

QStringList names(const QList<ColoringRule> &rules)
{
    QStringList n;
    for (const ColoringRule &r : rules)
        n.append(r.name);
    return n;
}

} // namespace

class TestColoringRules : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void roundTrip()
    {
        // 16-bit components that are not multiples of 257 survive exactly.
        const QList<ColoringRule> rules = {
            rule("TCP RST", "tcp.flags.reset == 1", c16(65535, 64764, 40092), c16(42148, 0, 0)),
            rule("Off", "udp", c16(1, 2, 3), c16(4718, 10030, 11796), false),
            rule("Ports", "tcp.port in {80, 443} && ip.addr == 10.0.0.0/8", Qt::black, Qt::white),
            rule("Strings", "eth.src[0:3] == 00:1b:21 || ip.ttl < 5", c16(0, 0, 0),
                 c16(65535, 65535, 65535)),
        };
        const QString text = ColoringRules::serialize(rules);
        QVERIFY(text.startsWith(QLatin1Char('#')));
        QString error = QStringLiteral("stale");
        const QList<ColoringRule> back = ColoringRules::parse(text, &error);
        QCOMPARE(error, QString());
        QCOMPARE(back, rules);
    }

    void serializedLineIsWiresharks()
    {
        // Background first, then foreground (Wireshark's write_filter), '!' when disabled.
        const QString text = ColoringRules::serialize(
            {rule("TCP RST", "tcp.flags.reset == 1", c16(65535, 64764, 40092), c16(42148, 0, 0)),
             rule("UDP", "udp", c16(1, 2, 3), c16(4, 5, 6), false)});
        const QStringList lines = text.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 3);
        QCOMPARE(lines[1],
                 QStringLiteral("@TCP RST@tcp.flags.reset == 1@[42148,0,0][65535,64764,40092]"));
        QCOMPARE(lines[2], QStringLiteral("!@UDP@udp@[4,5,6][1,2,3]"));
    }

    void backgroundComesFirst()
    {
        QString error;
        const auto rules = ColoringRules::parse(
            QStringLiteral("@TCP RST@tcp.flags.reset eq 1@[42148,0,0][65535,64764,40092]\n"),
            &error);
        QCOMPARE(error, QString());
        QCOMPARE(rules.size(), 1);
        QCOMPARE(rules[0].name, QStringLiteral("TCP RST"));
        QCOMPARE(rules[0].filter, QStringLiteral("tcp.flags.reset eq 1"));
        QCOMPARE(rules[0].background, c16(42148, 0, 0));         // dark red row
        QCOMPARE(rules[0].foreground, c16(65535, 64764, 40092)); // pale yellow text
        QVERIFY(rules[0].enabled);
    }

    void wiresharksOwnFile()
    {
        QFile file(QStringLiteral("/usr/share/wireshark/colorfilters"));
        if (!file.open(QIODevice::ReadOnly))
            QSKIP("Wireshark's global colorfilters file is not installed");
        QString error;
        const auto rules = ColoringRules::parse(QString::fromUtf8(file.readAll()), &error);
        // Wireshark 4.0 ships 20 rules; none is lost, even those over protocols we lack.
        QVERIFY2(rules.size() >= 15, qPrintable(QString::number(rules.size())));
        const QStringList n = names(rules);
        for (const char *expected : {"Bad TCP", "ARP", "ICMP", "TCP RST", "TCP", "UDP"})
            QVERIFY2(n.contains(QLatin1String(expected)), expected);
        const ColoringRule &rst = rules[n.indexOf(QStringLiteral("TCP RST"))];
        QCOMPARE(rst.background, c16(42148, 0, 0));
        QCOMPARE(rst.foreground, c16(65535, 64764, 40092));
        // Rules over our fields stay enabled...
        for (const char *ours : {"Bad TCP", "ARP", "ICMP", "TCP RST", "TCP", "UDP"})
            QVERIFY2(rules[n.indexOf(QLatin1String(ours))].enabled, ours);
        // ...those over fields we do not have are kept disabled and each one is reported.
        const ColoringRule &bad = rules[n.indexOf(QStringLiteral("HSRP State Change"))];
        QVERIFY(!bad.enabled);
        QVERIFY2(error.contains(QStringLiteral("Line 3: rule \"HSRP State Change\" disabled")),
                 qPrintable(error));
        QVERIFY(error.contains(QStringLiteral("hsrp.state")));
        int disabled = 0;
        for (const ColoringRule &r : rules)
            disabled += r.enabled ? 0 : 1;
        QCOMPARE(error.split(QLatin1Char('\n')).size(), disabled);
    }

    void errorsNameTheLine()
    {
        const QString text = QStringLiteral("# comment\n"                           // 1
                                            "@Good@tcp@[1,2,3][4,5,6]\n"            // 2
                                            "tcp is not a rule\n"                   // 3
                                            "@NoColours@udp@\n"                     // 4
                                            "@Big@udp@[70000,0,0][0,0,0]\n"         // 5
                                            "@@udp@[0,0,0][0,0,0]\n"                // 6
                                            "@NoFilter@@[0,0,0][0,0,0]\n"           // 7
                                            "@Unfinished@udp\n"                     // 8
                                            "\n"                                    // 9
                                            "  @Spaced@arp@[ 1, 2, 3][4,5,6]  \r\n" // 10
                                            "@Tail@icmp@[0,0,0][0,0,0] junk\n");    // 11
        QString error;
        const auto rules = ColoringRules::parse(text, &error);
        QCOMPARE(names(rules), (QStringList{QStringLiteral("Good"), QStringLiteral("Spaced"),
                                            QStringLiteral("Tail")}));
        QCOMPARE(rules[1].background, c16(1, 2, 3));
        const QStringList lines = error.split(QLatin1Char('\n'));
        QCOMPARE(lines.size(), 7);
        const int expectedLines[] = {3, 4, 5, 6, 7, 8, 11};
        for (int i = 0; i < 7; ++i)
            QVERIFY2(lines[i].startsWith(QStringLiteral("Line %1: ").arg(expectedLines[i])),
                     qPrintable(lines[i]));
        QVERIFY(lines[1].contains(QStringLiteral("NoColours")));
        QVERIFY(lines[2].contains(QStringLiteral("65535")));
        QVERIFY(lines[6].contains(QStringLiteral("ignored")));
    }

    void disabledRules()
    {
        QString error;
        const auto rules =
            ColoringRules::parse(QStringLiteral("!@Off@tcp@[0,0,0][0,0,0]\n"
                                                " ! @Off too@udp@[0,0,0][0,0,0]\n"
                                                // Wireshark does not compile disabled rules
                                                "!@Off and broken@tcp.prot == 1@[0,0,0][0,0,0]\n"
                                                "@Broken@tcp.prot == 1@[0,0,0][0,0,0]\n"),
                                 &error);
        QCOMPARE(rules.size(), 4);
        for (const ColoringRule &r : rules)
            QVERIFY2(!r.enabled, qPrintable(r.name));
        QCOMPARE(rules[2].filter, QStringLiteral("tcp.prot == 1"));
        // Only the rule that was enabled and does not compile is reported.
        QVERIFY2(error.startsWith(QStringLiteral("Line 4: rule \"Broken\" disabled: ")),
                 qPrintable(error));
        QVERIFY(!error.contains(QLatin1Char('\n')));
        QVERIFY(error.contains(QStringLiteral("tcp.prot")));
    }

    void unstorableCharacters()
    {
        // '@' and line breaks cannot be stored; serialize keeps the file parseable.
        const QList<ColoringRule> rules = {
            rule("a@b\nc", "tcp contains \"@\" ||\nudp", Qt::black, Qt::white)};
        QString error;
        const auto back = ColoringRules::parse(ColoringRules::serialize(rules), &error);
        QCOMPARE(back.size(), 1);
        QCOMPARE(back[0].name,
                 QString(QStringLiteral("a") + QChar(0xFF20) + QStringLiteral("b c")));
        QCOMPARE(back[0].filter, QStringLiteral("tcp contains \"\\x40\" || udp"));
    }

    void defaultsAllCompile()
    {
        const QList<ColoringRule> rules = ColoringRules::defaults();
        const QStringList n = names(rules);
        for (const char *expected :
             {"Malformed", "Checksum Errors", "TCP RST", "TCP SYN/FIN", "ICMP errors", "ARP", "DNS",
              "HTTP", "TLS", "Broadcast", "TCP", "UDP", "ICMP"})
            QVERIFY2(n.contains(QLatin1String(expected)), expected);
        // Catch-alls come last, so that the specific rules win.
        QVERIFY(n.indexOf(QStringLiteral("TCP RST")) < n.indexOf(QStringLiteral("TCP")));
        QVERIFY(n.indexOf(QStringLiteral("HTTP")) < n.indexOf(QStringLiteral("TCP SYN/FIN")));
        QVERIFY(n.indexOf(QStringLiteral("DNS")) < n.indexOf(QStringLiteral("UDP")));
        const QRegularExpression fieldName(
            QStringLiteral(R"((?<![\w.:])[a-z_][a-z0-9_]*(\.[a-z0-9_]+)+)"));
        for (const ColoringRule &r : rules) {
            QVERIFY2(r.enabled, qPrintable(r.name));
            QVERIFY2(r.foreground.isValid() && r.background.isValid(), qPrintable(r.name));
            const QString why = ColoringRules::filterError(r.filter);
            QVERIFY2(why.isEmpty(), qPrintable(r.name + QStringLiteral(": ") + why));
            // Every dotted name is a field of our registry (not a ported Wireshark name that
            // only compiles because of a protocol prefix).
            for (auto it = fieldName.globalMatch(r.filter); it.hasNext();) {
                const QString f = it.next().captured();
                QVERIFY2(pl::Registry::instance().findField(f.toStdString()) >= 0,
                         qPrintable(r.name + QStringLiteral(": ") + f));
            }
        }
        // The shipped file parses without a single complaint.
        QFile file(QStringLiteral(":/packetlens/colorfilters"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QString error;
        ColoringRules::parse(QString::fromUtf8(file.readAll()), &error);
        QCOMPARE(error, QString());
    }

    void defaultsColourLikeWireshark_data()
    {
        QTest::addColumn<QString>("file");
        if (!pltest::haveCorpus())
            QSKIP("PACKETLENS_CORPUS does not name the corpus directory (../shared/corpus)");
        for (const QString &f : pltest::corpusCaptures())
            QTest::newRow(qPrintable(f)) << pltest::corpusDir() + QLatin1Char('/') + f;
    }

    void defaultsColourLikeWireshark()
    {
        // tshark given our defaults as its colorfilters names the rule that colours each
        // packet; our engine over our dissection must pick the same one (checksums verified
        // on both sides, so that "Checksum Errors" is exercised too).
        QFETCH(QString, file);
        QTemporaryDir config;
        QVERIFY(config.isValid());
        QVERIFY(QDir(config.path()).mkpath(QStringLiteral("wireshark")));
        QFile::copy(QStringLiteral(":/packetlens/colorfilters"),
                    config.filePath(QStringLiteral("wireshark/colorfilters")));
        QProcess tshark;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), config.path());
        tshark.setProcessEnvironment(env);
        QStringList args = {QStringLiteral("--color"), QStringLiteral("-r"), file,
                            QStringLiteral("-T"), QStringLiteral("fields")};
        for (const char *option :
             {"ip.check_checksum:TRUE", "tcp.check_checksum:TRUE", "udp.check_checksum:TRUE"})
            args << QStringLiteral("-o") << QLatin1String(option);
        for (const char *field : {"frame.coloring_rule.name", "frame.encap_type", "frame.protocols",
                                  "ip.flags.mf", "ip.frag_offset", "ipv6.fraghdr.offset"})
            args << QStringLiteral("-e") << QLatin1String(field);
        tshark.start(QStringLiteral("tshark"), args);
        if (!tshark.waitForStarted())
            QSKIP("tshark is not installed");
        QVERIFY(tshark.waitForFinished(60000));
        // Frames whose colour comes from what we do not dissect yet are left out: IP
        // fragments (Wireshark colours the reassembled datagram, we do not reassemble) and
        // the protocols below (Wireshark sees inside VXLAN; DHCP and RX/AFS add expert
        // errors). The rules themselves are not the question there.
        const QStringList notOurs = {QStringLiteral("vxlan"), QStringLiteral("dhcp"),
                                     QStringLiteral("rx"), QStringLiteral("afs")};
        QStringList expected;
        QList<bool> compared;
        const QStringList lines =
            QString::fromUtf8(tshark.readAllStandardOutput()).split(QLatin1Char('\n'));
        for (const QString &line : lines) {
            const QStringList f = line.split(QLatin1Char('\t'));
            if (f.size() < 6 || f[1].isEmpty()) // pcapng custom blocks: frames to tshark only
                continue;
            const QStringList protocols = f[2].split(QLatin1Char(':'));
            bool fragment = !f[5].isEmpty();
            for (const QString &mf : f[3].split(QLatin1Char(',')))
                fragment = fragment || mf == QLatin1String("1");
            for (const QString &offset : f[4].split(QLatin1Char(',')))
                fragment = fragment || (!offset.isEmpty() && offset != QLatin1String("0"));
            bool ours = !fragment;
            for (const QString &p : notOurs)
                ours = ours && !protocols.contains(p);
            expected.append(f[0]);
            compared.append(ours);
        }

        const ColoringRules::Compiled rules =
            ColoringRules::compileEnabled(ColoringRules::defaults());
        const QList<ColoringRule> defaults = ColoringRules::defaults();
        pl::CaptureFileReader reader;
        QVERIFY2(reader.open(file.toStdString()), reader.error().c_str());
        pl::Session session;
        pl::Dissection d(pl::Dissection::Mode::Tree);
        pl::CapturedPacket p;
        QStringList ours;
        while (reader.next(p)) {
            d.dissect(p.frame, &session);
            QString name;
            for (size_t i = 0; i < rules.filters.size(); ++i) {
                if (rules.filters[i].matches(d)) {
                    name = defaults[qsizetype(i)].name;
                    break;
                }
            }
            ours.append(name);
        }
        QCOMPARE(ours.size(), expected.size());
        QStringList differences;
        for (qsizetype i = 0; i < ours.size(); ++i)
            if (compared[i] && ours[i] != expected[i])
                differences.append(QStringLiteral("frame %1: ours \"%2\", tshark \"%3\"")
                                       .arg(i + 1)
                                       .arg(ours[i], expected[i]));
        QVERIFY2(differences.isEmpty(), qPrintable(differences.join(QLatin1Char('\n'))));
    }

    void compileEnabled()
    {
        const ColoringRules::Compiled c = ColoringRules::compileEnabled(
            {rule("A", "tcp", Qt::red, Qt::green), rule("Off", "udp", Qt::black, Qt::white, false),
             rule("Broken", "tcp.prot == 1", Qt::black, Qt::white),
             rule("B", "arp", Qt::blue, Qt::yellow)});
        QCOMPARE(c.filters.size(), size_t(2));
        QCOMPARE(c.filters[0].text(), std::string("tcp"));
        QCOMPARE(c.filters[1].text(), std::string("arp"));
        QCOMPARE(c.colors.size(), 2);
        QCOMPARE(c.colors[1], qMakePair(QColor(Qt::blue), QColor(Qt::yellow)));
    }

    void saveAndLoad()
    {
        QFile::remove(ColoringRules::filePath());
        QString error = QStringLiteral("stale");
        QCOMPARE(ColoringRules::load(&error), ColoringRules::defaults()); // no file yet
        QCOMPARE(error, QString());

        const QList<ColoringRule> mine = {rule("Mine", "ip.ttl < 5", Qt::white, Qt::darkRed),
                                          rule("Off", "udp", Qt::black, Qt::cyan, false)};
        QVERIFY2(ColoringRules::save(mine, &error), qPrintable(error));
        QCOMPARE(ColoringRules::load(&error), mine);
        QCOMPARE(error, QString());

        // An empty list is a valid choice, not a reason to bring the defaults back.
        QVERIFY(ColoringRules::save({}, &error));
        QCOMPARE(ColoringRules::load(&error), QList<ColoringRule>());

        // A damaged file: the readable rules, and the problems with the file's path.
        QFile file(ColoringRules::filePath());
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("@Kept@tcp@[0,0,0][0,0,0]\n@Lost@tcp@[0,0\n");
        file.close();
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("Line 2")));
        const auto loaded = ColoringRules::load(&error);
        QCOMPARE(names(loaded), QStringList{QStringLiteral("Kept")});
        QVERIFY(error.contains(ColoringRules::filePath()));
        QVERIFY(error.contains(QStringLiteral("Line 2:")));
        QFile::remove(ColoringRules::filePath());
    }
};

QTEST_GUILESS_MAIN(TestColoringRules)
#include "tst_coloringrules.moc"
