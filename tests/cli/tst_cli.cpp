// packetlens-cli as users and their scripts see it: tshark's options (parsed in-process through
// parseArguments), exit codes and messages of the built binary, and the output forms that
// claim tshark compatibility compared with tshark itself.

#include "capfile/capturefilereader.h"
#include "cli/clioptions.h"
#include "clirun.h"

#include <functional>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace pltest;
using pl::cli::CliOptions;
using pl::cli::ParseResult;

namespace {

ParseResult parse(const std::vector<const char *> &args)
{
    std::vector<std::string> argv{"packetlens-cli"};
    for (const char *a : args)
        argv.emplace_back(a);
    return pl::cli::parseArguments(argv);
}

QString errorOf(const ParseResult &r)
{
    return QString::fromStdString(r.error);
}

QList<QByteArray> lines(const QByteArray &out)
{
    QList<QByteArray> l = out.split('\n');
    if (!l.isEmpty() && l.last().isEmpty())
        l.removeLast();
    return l;
}

QString printFlags()
{
    return corpusFile(QStringLiteral("tcpdump/print-flags.pcap"));
}

// tshark prints its "Running as user root" warning on stderr; only stdout and the exit code
// are compared.
RunResult tshark(const QStringList &args)
{
    return runProgram(tsharkPath(), args);
}

#define REQUIRE_TSHARK()                                                                           \
    do {                                                                                           \
        if (tsharkPath().isEmpty())                                                                \
            QSKIP("tshark is not installed (apt-get install tshark): no comparison with it");      \
    } while (false)

} // namespace

class TestCli : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        if (!QDir(corpusDir()).exists())
            QSKIP("PACKETLENS_CORPUS does not name the corpus directory (../shared/corpus)");
    }

    // ---- option parsing ------------------------------------------------------------------

    void parseReadFile()
    {
        const ParseResult r = parse({"-r", "in.pcap"});
        QVERIFY2(r.ok(), r.error.c_str());
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.options.readFile, std::string("in.pcap"));
        QVERIFY(!r.options.count);
        QVERIFY(!r.options.verbose);
        QVERIFY(!r.options.hex);
        QCOMPARE(r.options.output, CliOptions::Output::Summary);
        QVERIFY(r.options.prefs.tcpRelativeSequenceNumbers);
        // getopt style: the argument may be glued to the option.
        const ParseResult glued = parse({"-rin.pcap"});
        QVERIFY2(glued.ok(), glued.error.c_str());
        QCOMPARE(glued.options.readFile, std::string("in.pcap"));
    }

    void parseCount()
    {
        const ParseResult separate = parse({"-r", "f", "-c", "10"});
        QVERIFY2(separate.ok(), separate.error.c_str());
        QCOMPARE(separate.options.count.value_or(0), uint64_t(10));
        const ParseResult glued = parse({"-c10", "-r", "f"});
        QVERIFY2(glued.ok(), glued.error.c_str());
        QCOMPARE(glued.options.count.value_or(0), uint64_t(10));
    }

    void parseGroupedFlags()
    {
        const ParseResult r = parse({"-Vx", "-r", "f"});
        QVERIFY2(r.ok(), r.error.c_str());
        QVERIFY(r.options.verbose);
        QVERIFY(r.options.hex);
        // An option with an argument ends the group and takes the rest or the next word.
        const ParseResult tail = parse({"-xVr", "f"});
        QVERIFY2(tail.ok(), tail.error.c_str());
        QVERIFY(tail.options.verbose);
        QVERIFY(tail.options.hex);
        QCOMPARE(tail.options.readFile, std::string("f"));
    }

    void parseFieldsOutput()
    {
        const ParseResult r =
            parse({"-r", "f", "-T", "fields", "-e", "ip.src", "-e", "tcp.srcport", "-eip.ttl"});
        QVERIFY2(r.ok(), r.error.c_str());
        QCOMPARE(r.options.output, CliOptions::Output::Fields);
        QVERIFY(r.options.outputSet);
        const std::vector<std::string> expected{"ip.src", "tcp.srcport", "ip.ttl"};
        QCOMPARE(r.options.fields, expected);
        // Defaults of -E: tab separator, comma aggregator, no header, no quotes, all occurrences.
        QCOMPARE(r.options.fieldsOptions.header, false);
        QCOMPARE(r.options.fieldsOptions.separator, '\t');
        QCOMPARE(r.options.fieldsOptions.aggregator, ',');
        QCOMPARE(r.options.fieldsOptions.quote, '\0');
        QCOMPARE(r.options.fieldsOptions.occurrence, 'a');

        QCOMPARE(parse({"-r", "f", "-T", "json"}).options.output, CliOptions::Output::Json);
        QCOMPARE(parse({"-r", "f", "-T", "text"}).options.output, CliOptions::Output::Summary);
    }

    void parseFieldsOptions_data()
    {
        QTest::addColumn<QString>("option");
        QTest::addColumn<char>("header");
        QTest::addColumn<char>("separator");
        QTest::addColumn<char>("aggregator");
        QTest::addColumn<char>("quote");
        QTest::addColumn<char>("occurrence");
        // header is 'y' or 'n'; the other columns the resulting character.
        QTest::newRow("header=y") << "header=y" << 'y' << '\t' << ',' << '\0' << 'a';
        QTest::newRow("header=n") << "header=n" << 'n' << '\t' << ',' << '\0' << 'a';
        QTest::newRow("separator=/t") << "separator=/t" << 'n' << '\t' << ',' << '\0' << 'a';
        QTest::newRow("separator=/s") << "separator=/s" << 'n' << ' ' << ',' << '\0' << 'a';
        QTest::newRow("separator=,") << "separator=," << 'n' << ',' << ',' << '\0' << 'a';
        QTest::newRow("aggregator=;") << "aggregator=;" << 'n' << '\t' << ';' << '\0' << 'a';
        QTest::newRow("aggregator=/s") << "aggregator=/s" << 'n' << '\t' << ' ' << '\0' << 'a';
        QTest::newRow("quote=d") << "quote=d" << 'n' << '\t' << ',' << '"' << 'a';
        QTest::newRow("quote=s") << "quote=s" << 'n' << '\t' << ',' << '\'' << 'a';
        QTest::newRow("quote=n") << "quote=n" << 'n' << '\t' << ',' << '\0' << 'a';
        QTest::newRow("occurrence=f") << "occurrence=f" << 'n' << '\t' << ',' << '\0' << 'f';
        QTest::newRow("occurrence=l") << "occurrence=l" << 'n' << '\t' << ',' << '\0' << 'l';
        QTest::newRow("occurrence=a") << "occurrence=a" << 'n' << '\t' << ',' << '\0' << 'a';
    }

    void parseFieldsOptions()
    {
        QFETCH(QString, option);
        QFETCH(char, header);
        QFETCH(char, separator);
        QFETCH(char, aggregator);
        QFETCH(char, quote);
        QFETCH(char, occurrence);
        const QByteArray e = option.toUtf8();
        const ParseResult r = parse({"-r", "f", "-T", "fields", "-e", "ip.src", "-E", e.data()});
        QVERIFY2(r.ok(), r.error.c_str());
        const pl::print::FieldsOptions &o = r.options.fieldsOptions;
        QCOMPARE(o.header, header == 'y');
        QCOMPARE(o.separator, separator);
        QCOMPARE(o.aggregator, aggregator);
        QCOMPARE(o.quote, quote);
        QCOMPARE(o.occurrence, occurrence);
    }

    void parseBadFieldsOption_data()
    {
        QTest::addColumn<QString>("option");
        QTest::newRow("header=maybe") << "header=maybe";
        QTest::newRow("quote=x") << "quote=x";
        QTest::newRow("occurrence=2") << "occurrence=2";
        QTest::newRow("separator=ab") << "separator=ab";
        QTest::newRow("unknown name") << "colour=red";
        QTest::newRow("no value") << "header";
    }

    void parseBadFieldsOption()
    {
        QFETCH(QString, option);
        const QByteArray e = option.toUtf8();
        const ParseResult r = parse({"-r", "f", "-T", "fields", "-e", "ip.src", "-E", e.data()});
        QVERIFY(!r.ok());
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(errorOf(r).contains(option), r.error.c_str());
    }

    void parseZeroCount()
    {
        const ParseResult r = parse({"-r", "f", "-c", "0"});
        QVERIFY(!r.ok());
        QCOMPARE(r.exitCode, 1);
        QCOMPARE(errorOf(r),
                 QStringLiteral("The specified packet count is zero")); // tshark's words
    }

    void parseBadOutputFormat()
    {
        const ParseResult r = parse({"-r", "f", "-T", "pdml"});
        QVERIFY(!r.ok());
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(errorOf(r).contains(QLatin1String("\"pdml\"")), r.error.c_str());
        QVERIFY2(errorOf(r).contains(QLatin1String("fields")), r.error.c_str());
    }

    void parseBadCount_data()
    {
        QTest::addColumn<QString>("count");
        QTest::newRow("letters") << "abc";
        QTest::newRow("trailing garbage") << "10x";
        QTest::newRow("negative") << "-5";
        QTest::newRow("empty") << "";
    }

    void parseBadCount()
    {
        QFETCH(QString, count);
        const QByteArray c = count.toUtf8();
        const ParseResult r = parse({"-r", "f", "-c", c.data()});
        QVERIFY(!r.ok());
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(errorOf(r).contains(QLatin1Char('"') + count + QLatin1Char('"')), r.error.c_str());
    }

    void parseMissingRead()
    {
        const ParseResult r = parse({"-V"});
        QVERIFY(!r.ok());
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(errorOf(r).contains(QLatin1String("-r")), r.error.c_str());
        // -r as the last word has no argument.
        const ParseResult dangling = parse({"-r"});
        QVERIFY(!dangling.ok());
        QCOMPARE(dangling.exitCode, 1);
        QVERIFY2(errorOf(dangling).contains(QLatin1String("requires an argument")),
                 dangling.error.c_str());
    }

    void parseFieldWithoutFieldsOutput()
    {
        const ParseResult r = parse({"-r", "f", "-e", "ip.src"});
        QVERIFY(!r.ok());
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(errorOf(r).contains(QLatin1String("\"-T fields\" was not")), r.error.c_str());
    }

    void parseFieldsOutputWithoutField()
    {
        const ParseResult r = parse({"-r", "f", "-T", "fields"});
        QVERIFY(!r.ok());
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(errorOf(r).contains(QLatin1String("no fields were specified")), r.error.c_str());
    }

    void parseUnknownOption()
    {
        const ParseResult r = parse({"-r", "f", "-Q"});
        QVERIFY(!r.ok());
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(errorOf(r).contains(QLatin1String("invalid option -- 'Q'")), r.error.c_str());

        // The binary prints it with the usage text on stderr and nothing on stdout.
        const RunResult run = runCli({QStringLiteral("-Q"), QStringLiteral("-r"), printFlags()});
        QCOMPARE(run.exitCode, 1);
        QVERIFY(run.out.isEmpty());
        QVERIFY2(run.err.contains("invalid option -- 'Q'"), run.err.constData());
        QVERIFY2(run.err.contains("Usage: packetlens-cli"), run.err.constData());
    }

    // ---- -Y display filters ----------------------------------------------------------------

    void parseDisplayFilter()
    {
        const ParseResult r = parse({"-r", "f", "-Y", "tcp.port == 80"});
        QVERIFY2(r.ok(), r.error.c_str());
        QCOMPARE(r.options.displayFilter, std::string("tcp.port == 80"));
        QCOMPARE(parse({"-r", "f", "-Ytcp"}).options.displayFilter, std::string("tcp"));
        QVERIFY(!parse({"-r", "f", "-Y"}).ok()); // needs its argument
    }

    // Only the matching packets are printed, each exactly as without the filter (numbers and
    // times stay those of the whole file, like tshark's), in every output form.
    void displayFilterSelects()
    {
        const RunResult all = runCli({QStringLiteral("-r"), printFlags()});
        QCOMPARE(all.exitCode, 0);
        const QList<QByteArray> allLines = lines(all.out);
        QCOMPARE(allLines.size(), 10);

        const RunResult fin = runCli({QStringLiteral("-r"), printFlags(), QStringLiteral("-Y"),
                                      QStringLiteral("tcp.flags.fin == 1")});
        QCOMPARE(fin.exitCode, 0);
        QCOMPARE(lines(fin.out), (QList<QByteArray>{allLines[7], allLines[8]}));
        QVERIFY2(fin.err.isEmpty(), fin.err.constData());

        // -T fields and -V evaluate the filter on the tree.
        const RunResult fields = runCli(
            {QStringLiteral("-r"), printFlags(), QStringLiteral("-Y"),
             QStringLiteral("tcp.flags.syn == 1 && tcp.flags.ack == 0 || frame.number == 10"),
             QStringLiteral("-T"), QStringLiteral("fields"), QStringLiteral("-e"),
             QStringLiteral("frame.number")});
        QCOMPARE(fields.exitCode, 0);
        QCOMPARE(lines(fields.out), (QList<QByteArray>{"1", "10"}));
        const RunResult tree = runCli({QStringLiteral("-r"), printFlags(), QStringLiteral("-V"),
                                       QStringLiteral("-Y"), QStringLiteral("frame.len > 1000")});
        QCOMPARE(tree.exitCode, 0);
        QVERIFY(tree.out.startsWith("Frame 6: 5625 bytes on wire"));
        QCOMPARE(tree.out.count("\nFrame "), 0);

        // A filter that matches nothing prints nothing, successfully.
        const RunResult none = runCli(
            {QStringLiteral("-r"), printFlags(), QStringLiteral("-Y"), QStringLiteral("udp")});
        QCOMPARE(none.exitCode, 0);
        QVERIFY(none.out.isEmpty());
        // The blank filter is no filter.
        const RunResult blank =
            runCli({QStringLiteral("-r"), printFlags(), QStringLiteral("-Y"), QStringLiteral(" ")});
        QCOMPARE(blank.exitCode, 0);
        QCOMPARE(blank.out, all.out);
    }

    // tshark 4.0's -c counts the packets read, not those displayed: with -c 8 the FIN filter
    // shows frame 8 only; with -c 7, nothing.
    void displayFilterCountsPacketsRead()
    {
        const RunResult c8 = runCli({QStringLiteral("-r"), printFlags(), QStringLiteral("-Y"),
                                     QStringLiteral("tcp.flags.fin == 1"), QStringLiteral("-c"),
                                     QStringLiteral("8")});
        QCOMPARE(c8.exitCode, 0);
        QCOMPARE(lines(c8.out).size(), 1);
        QVERIFY(c8.out.startsWith("    8 "));
        const RunResult c7 = runCli({QStringLiteral("-r"), printFlags(), QStringLiteral("-Y"),
                                     QStringLiteral("tcp.flags.fin == 1"), QStringLiteral("-c"),
                                     QStringLiteral("7")});
        QCOMPARE(c7.exitCode, 0);
        QVERIFY(c7.out.isEmpty());
    }

    void displayFilterError_data()
    {
        QTest::addColumn<QString>("filter");
        QTest::addColumn<QByteArray>("message");
        QTest::addColumn<QByteArray>("caret");
        QTest::newRow("unknown field")
            << "tcp.prot == 1" << QByteArray("\"tcp.prot\" is neither a field nor a protocol name.")
            << QByteArray("    ^~~~~~~~\n");
        QTest::newRow("bad address")
            << "ip.src == 300.1.1.1" << QByteArray("\"300.1.1.1\" is not a valid")
            << QByteArray("              ^~~~~~~~~\n");
    }

    // A filter that does not compile: tshark's message, the filter, a caret line under the
    // token, exit status 2, nothing on stdout; checked before the file is opened.
    void displayFilterError()
    {
        QFETCH(QString, filter);
        QFETCH(QByteArray, message);
        QFETCH(QByteArray, caret);
        const RunResult run =
            runCli({QStringLiteral("-r"), printFlags(), QStringLiteral("-Y"), filter});
        QCOMPARE(run.exitCode, 2);
        QVERIFY(run.out.isEmpty());
        QVERIFY2(run.err.startsWith("packetlens-cli: " + message), run.err.constData());
        QVERIFY2(run.err.contains("\n    " + filter.toUtf8() + "\n" + caret), run.err.constData());

        const RunResult missing = runCli({QStringLiteral("-r"), QStringLiteral("/nonexistent.pcap"),
                                          QStringLiteral("-Y"), filter});
        QCOMPARE(missing.exitCode, 2);
        QVERIFY2(missing.err.contains(message), missing.err.constData());

        if (tsharkPath().isEmpty())
            return;
        QCOMPARE(
            tshark({QStringLiteral("-r"), printFlags(), QStringLiteral("-Y"), filter}).exitCode, 2);
    }

    // The application's -Y (Wireshark's) is checked before a window opens, with the same text.
    void appDisplayFilterError()
    {
        const RunResult run =
            runProgram(QStringLiteral(PACKETLENS_APP),
                       {QStringLiteral("-Y"), QStringLiteral("ip.src == 300.1.1.1")});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("packetlens: -Y: \"300.1.1.1\" is not a valid IPv4 address."),
                 run.err.constData());
    }

    // -Y with -w writes only the matching packets, byte for byte.
    void displayFilterWrite()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("fin.pcapng"));
        const RunResult run =
            runCli({QStringLiteral("-r"), printFlags(), QStringLiteral("-Y"),
                    QStringLiteral("tcp.flags.fin == 1"), QStringLiteral("-w"), out});
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.err.isEmpty(), run.err.constData());

        pl::CaptureFileReader original, written;
        QVERIFY(original.open(printFlags().toStdString()));
        QVERIFY(original.buildIndex());
        QVERIFY2(written.open(out.toStdString()), written.error().c_str());
        pl::CapturedPacket want, got;
        for (const uint64_t index : {7, 8}) {
            QVERIFY(original.readPacket(index, want));
            QVERIFY(written.next(got));
            QCOMPARE(
                QByteArray(reinterpret_cast<const char *>(got.frame.data), int(got.frame.capLen)),
                QByteArray(reinterpret_cast<const char *>(want.frame.data),
                           int(want.frame.capLen)));
            QCOMPARE(got.frame.tsSec, want.frame.tsSec);
        }
        QVERIFY(!written.next(got));
        QVERIFY(!written.damaged());

        // The written file, read back through the filter's complement, holds nothing.
        const RunResult back = runCli({QStringLiteral("-r"), out, QStringLiteral("-Y"),
                                       QStringLiteral("!(tcp.flags.fin == 1)")});
        QCOMPARE(back.exitCode, 0);
        QVERIFY(back.out.isEmpty());
    }

    void parseLiveCaptureOptions()
    {
        const ParseResult r =
            parse({"-i", "veth0", "-i", "veth1", "-f", "udp port 53", "-s", "96", "-p", "-B", "8",
                   "-a", "duration:5", "-c", "100", "-w", "out.pcapng", "-F", "pcap-ns"});
        QVERIFY2(r.ok(), r.error.c_str());
        const CliOptions &o = r.options;
        QCOMPARE(o.interfaces, (std::vector<std::string>{"veth0", "veth1"}));
        QCOMPARE(o.captureFilter, std::string("udp port 53"));
        QCOMPARE(o.snaplen, 96u);
        QVERIFY(!o.promiscuous);
        QCOMPARE(o.bufferMiB, 8u);
        QCOMPARE(o.durationSeconds.value_or(0), 5u);
        QCOMPARE(o.writeFile, std::string("out.pcapng"));
        QVERIFY(o.writeFormat == pl::CaptureFileWriter::Format::PcapNsec);
        QCOMPARE(parse({"-i", "lo", "-s", "0"}).options.snaplen, 262144u); // tshark: 0 = max
        QVERIFY(parse({"-D"}).ok());

        for (const auto &bad :
             std::vector<std::vector<const char *>>{{"-i", "lo", "-s", "300000"},
                                                    {"-i", "lo", "-B", "0"},
                                                    {"-i", "lo", "-a", "packets:5"},
                                                    {"-i", "lo", "-a", "duration:x"},
                                                    {"-i", "lo", "-F", "erf"},
                                                    {"-r", "f", "-i", "lo"},
                                                    {"-r", "f", "-f", "tcp"},
                                                    {"-i", "lo", "-w", "x.pcapng", "-V"}}) {
            const ParseResult b = parse(bad);
            QVERIFY2(!b.ok(), bad[2]);
            QCOMPARE(b.exitCode, 1);
        }
    }

    void parsePreference()
    {
        const ParseResult off = parse({"-r", "f", "-o", "tcp.relative_sequence_numbers:FALSE"});
        QVERIFY2(off.ok(), off.error.c_str());
        QVERIFY(!off.options.prefs.tcpRelativeSequenceNumbers);
        const ParseResult on = parse({"-r", "f", "-o", "tcp.relative_sequence_numbers:TRUE"});
        QVERIFY2(on.ok(), on.error.c_str());
        QVERIFY(on.options.prefs.tcpRelativeSequenceNumbers);
        // Wireshark preferences are case-insensitive booleans.
        QVERIFY(!parse({"-r", "f", "-o", "tcp.relative_sequence_numbers:false"})
                     .options.prefs.tcpRelativeSequenceNumbers);

        // Reassembly preferences, as tshark names them.
        const ParseResult noReassembly =
            parse({"-r", "f", "-o", "tcp.desegment_tcp_streams:FALSE", "-o", "ip.defragment:false",
                   "-o", "ipv6.defragment:FALSE"});
        QVERIFY2(noReassembly.ok(), noReassembly.error.c_str());
        QVERIFY(!noReassembly.options.prefs.tcpReassemble);
        QVERIFY(!noReassembly.options.prefs.ipDefragment);
        QVERIFY(!noReassembly.options.prefs.ipv6Defragment);
        QVERIFY(noReassembly.options.prefs.tcpRelativeSequenceNumbers);
        QVERIFY(parse({"-r", "f"}).options.prefs.tcpReassemble);

        for (const char *bad : {"tcp.relative_sequence_numbers:maybe", "ip.defragment:NO",
                                "ip.ttl:FALSE", "tcp.relative_sequence_numbers", "nonsense"}) {
            const ParseResult r = parse({"-r", "f", "-o", bad});
            QVERIFY2(!r.ok(), bad);
            QCOMPARE(r.exitCode, 1);
            QVERIFY2(errorOf(r).contains(QLatin1String(bad)), r.error.c_str());
        }
    }

    // ---- the binary: exit codes and messages ---------------------------------------------

    void missingFile()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("does-not-exist.pcap"));
        const RunResult r = runCli({QStringLiteral("-r"), path});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.out.isEmpty());
        QVERIFY2(r.err.contains(path.toUtf8()), r.err.constData());
        QVERIFY2(r.err.contains("No such file or directory"), r.err.constData());
    }

    void notACaptureFile()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("notes.pcap"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("This is a text file, not a capture.\n" + QByteArray(200, 'x'));
        f.close();
        const RunResult r = runCli({QStringLiteral("-r"), path});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.out.isEmpty());
        QVERIFY2(r.err.contains(path.toUtf8()), r.err.constData());
        QVERIFY2(r.err.contains("not a pcap or pcapng file"), r.err.constData());
    }

    void refusedLikeLibpcap_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("reason");
        // libpcap's texts (libpcap/EXPECTED_ERRORS.txt). shb-option-too-long: libpcap names
        // the IDB (its header says 32); PacketLens already stops at the SHB, whose trailer
        // (0x30303030) does not match its header (52) either.
        QTest::newRow("linktype-reserved-field-not-zero")
            << "libpcap/linktype-reserved-field-not-zero.pcap"
            << "savefile linktype reserved field not zero (0x00300000)";
        QTest::newRow("pcap-invalid-version-1") << "libpcap/pcap-invalid-version-1.pcap"
                                                << "unsupported pcap savefile version 1.4";
        QTest::newRow("pcapng-invalid-vers-1") << "libpcap/pcapng-invalid-vers-1.pcapng"
                                               << "unsupported pcapng savefile version 0.1";
        QTest::newRow("shb-option-too-long") << "libpcap/shb-option-too-long.pcapng"
                                             << "and trailer 808464432 don't match";
    }

    void refusedLikeLibpcap()
    {
        QFETCH(QString, file);
        QFETCH(QString, reason);
        const RunResult r = runCli({QStringLiteral("-r"), corpusFile(file)});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.out.isEmpty());
        QVERIFY2(r.err.contains(corpusFile(file).toUtf8()), r.err.constData());
        QVERIFY2(r.err.contains(reason.toUtf8()), r.err.constData());
    }

    void unknownField()
    {
        const RunResult r =
            runCli({QStringLiteral("-r"), printFlags(), QStringLiteral("-T"),
                    QStringLiteral("fields"), QStringLiteral("-e"), QStringLiteral("ip.src"),
                    QStringLiteral("-e"), QStringLiteral("ip.no_such_field")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.out.isEmpty());
        // tshark: "tshark: Some fields aren't valid:\n\tip.no_such_field\n"
        QVERIFY2(r.err.contains("Some fields aren't valid:\n\tip.no_such_field\n"),
                 r.err.constData());
        QVERIFY2(!r.err.contains("\tip.src"), r.err.constData());
    }

    void countStopsOutput()
    {
        const RunResult r =
            runCli({QStringLiteral("-r"), printFlags(), QStringLiteral("-c"), QStringLiteral("3")});
        QCOMPARE(r.exitCode, 0);
        const QList<QByteArray> l = lines(r.out);
        QCOMPARE(l.size(), 3);
        QVERIFY(l[0].startsWith("    1 "));
        QVERIFY(l[2].startsWith("    3 "));

        const RunResult fields = runCli({QStringLiteral("-c3"), QStringLiteral("-r"), printFlags(),
                                         QStringLiteral("-T"), QStringLiteral("fields"),
                                         QStringLiteral("-e"), QStringLiteral("frame.number")});
        QCOMPARE(fields.exitCode, 0);
        QCOMPARE(fields.out, QByteArray("1\n2\n3\n"));
    }

    // A file cut in the middle of a packet: every packet before the damage is printed, then
    // exit status 2 and a message naming where the damage is.
    void truncatedFile()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("cut.pcap"));
        QVERIFY(QFile::copy(printFlags(), path));
        QFile f(path);
        QVERIFY(f.setPermissions(QFile::ReadOwner | QFile::WriteOwner));
        // Records 1-5 hold 74+74+66+268+66 bytes; with the 24-byte file header and five
        // 16-byte record headers, record 6 (5625 bytes) starts at byte 652. Cut inside it.
        QVERIFY(f.resize(3000));

        const RunResult whole = runCli({QStringLiteral("-r"), printFlags()});
        QCOMPARE(whole.exitCode, 0);
        const RunResult r = runCli({QStringLiteral("-r"), path});
        QCOMPARE(r.exitCode, 2);
        const QList<QByteArray> l = lines(r.out);
        QCOMPARE(l.size(), 5);
        QCOMPARE(l, lines(whole.out).mid(0, 5));
        QVERIFY2(r.err.contains(path.toUtf8()), r.err.constData());
        QVERIFY2(r.err.contains("byte 652"), r.err.constData());
        QVERIFY2(r.err.contains("middle of a packet"), r.err.constData());
    }

    void emptyFile()
    {
        const RunResult r =
            runCli({QStringLiteral("-r"), corpusFile(QStringLiteral("tcpdump/empty.pcap"))});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.isEmpty());
        QVERIFY2(r.err.isEmpty(), r.err.constData());
    }

    void helpAndVersion()
    {
        const RunResult help = runCli({QStringLiteral("-h")});
        QCOMPARE(help.exitCode, 0);
        QVERIFY(help.out.startsWith("Usage: packetlens-cli"));
        const RunResult version = runCli({QStringLiteral("-v")});
        QCOMPARE(version.exitCode, 0);
        QVERIFY(version.out.startsWith("packetlens-cli "));
    }

    // ---- output forms compared with tshark -----------------------------------------------

    void hexDumpLikeTshark_data()
    {
        QTest::addColumn<QString>("file");
        QTest::newRow("print-flags") << "tcpdump/print-flags.pcap";
        QTest::newRow("icmpv6") << "tcpdump/icmpv6.pcap";
        QTest::newRow("sll2") << "pcapplusplus/sll2.pcap";
        QTest::newRow("VlanPackets") << "pcapplusplus/VlanPackets.pcap";
        QTest::newRow("tcp_rst_data-trunc") << "tcpdump/tcp_rst_data-trunc.pcap";
    }

    void hexDumpLikeTshark()
    {
        REQUIRE_TSHARK();
        QFETCH(QString, file);
        const QStringList args = {QStringLiteral("-x"), QStringLiteral("-r"), corpusFile(file)};
        const RunResult ours = runCli(args);
        const RunResult theirs = tshark(args);
        QCOMPARE(ours.exitCode, 0);
        QCOMPARE(theirs.exitCode, 0);
        QVERIFY(!ours.out.isEmpty());
        QCOMPARE(ours.out, theirs.out);
    }

    void fieldsLikeTshark_data()
    {
        QTest::addColumn<QString>("file");
        QTest::newRow("print-flags") << "tcpdump/print-flags.pcap";
        QTest::newRow("dhcp-rfc4388") << "tcpdump/dhcp-rfc4388.pcap"; // ICMP quoting IP/ICMP
        QTest::newRow("mptcp-v1") << "tcpdump/mptcp-v1.pcap";
        QTest::newRow("icmpv6") << "tcpdump/icmpv6.pcap";
        QTest::newRow("VlanPackets") << "pcapplusplus/VlanPackets.pcap"; // two VLAN tags
    }

    void fieldsLikeTshark()
    {
        REQUIRE_TSHARK();
        QFETCH(QString, file);
        QStringList args = {QStringLiteral("-r"), corpusFile(file),
                            QStringLiteral("-T"), QStringLiteral("fields"),
                            QStringLiteral("-E"), QStringLiteral("header=y"),
                            QStringLiteral("-E"), QStringLiteral("separator=,"),
                            QStringLiteral("-E"), QStringLiteral("quote=d"),
                            QStringLiteral("-E"), QStringLiteral("occurrence=f")};
        for (const char *f :
             {"frame.number", "frame.len",   "eth.src",   "eth.type",    "vlan.id",
              "ip.src",       "ip.dst",      "ip.ttl",    "ip.id",       "ip.flags.df",
              "ip.proto",     "icmp.type",   "ipv6.src",  "icmpv6.type", "tcp.srcport",
              "tcp.dstport",  "tcp.seq_raw", "tcp.flags", "tcp.len",     "tcp.options.mss_val",
              "udp.srcport",  "udp.length"})
            args << QStringLiteral("-e") << QString::fromLatin1(f);
        const RunResult ours = runCli(args);
        const RunResult theirs = tshark(args);
        QCOMPARE(ours.exitCode, 0);
        QCOMPARE(theirs.exitCode, 0);
        QVERIFY(ours.out.startsWith("frame.number,frame.len,eth.src,"));
        QCOMPARE(ours.out, theirs.out);
    }

    void jsonLikeTshark()
    {
        const QString file = printFlags();
        const QStringList args = {QStringLiteral("-T"), QStringLiteral("json"),
                                  QStringLiteral("-r"), file};
        const RunResult ours = runCli(args);
        QCOMPARE(ours.exitCode, 0);
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(ours.out, &error);
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
        QVERIFY(doc.isArray());
        const QJsonArray packets = doc.array();
        QCOMPARE(packets.size(), 10);
        for (const QJsonValue &p : packets) {
            const QJsonObject layers = p.toObject()
                                           .value(QLatin1String("_source"))
                                           .toObject()
                                           .value(QLatin1String("layers"))
                                           .toObject();
            for (const char *layer : {"frame", "eth", "ip", "tcp"})
                QVERIFY2(layers.value(QLatin1String(layer)).isObject(), layer);
        }
        QCOMPARE(packets[0]
                     .toObject()[QLatin1String("_source")]
                     .toObject()[QLatin1String("layers")]
                     .toObject()[QLatin1String("ip")]
                     .toObject()[QLatin1String("ip.src")]
                     .toString(),
                 QStringLiteral("127.0.0.1"));

        REQUIRE_TSHARK();
        const RunResult theirs = tshark(args);
        QCOMPARE(theirs.exitCode, 0);
        const QJsonArray expected = QJsonDocument::fromJson(theirs.out).array();
        QCOMPARE(expected.size(), packets.size());
        // tshark has more fields (conversation analysis, expert info, HTTP), so compare the
        // values of chosen keys, including keys inside *_tree objects.
        struct Key
        {
            const char *layer, *tree, *name;
        };
        const Key keys[] = {
            {"frame", nullptr, "frame.number"},
            {"frame", nullptr, "frame.len"},
            {"frame", nullptr, "frame.cap_len"},
            {"frame", nullptr, "frame.time_epoch"},
            {"frame", nullptr, "frame.time_relative"},
            {"frame", nullptr, "frame.encap_type"},
            {"eth", nullptr, "eth.src"},
            {"eth", nullptr, "eth.dst"},
            {"eth", nullptr, "eth.type"},
            {"ip", nullptr, "ip.version"},
            {"ip", nullptr, "ip.hdr_len"},
            {"ip", nullptr, "ip.len"},
            {"ip", nullptr, "ip.id"},
            {"ip", nullptr, "ip.flags"},
            {"ip", "ip.flags_tree", "ip.flags.df"},
            {"ip", nullptr, "ip.ttl"},
            {"ip", nullptr, "ip.proto"},
            {"ip", nullptr, "ip.checksum"},
            {"ip", nullptr, "ip.src"},
            {"ip", nullptr, "ip.dst"},
            {"tcp", nullptr, "tcp.srcport"},
            {"tcp", nullptr, "tcp.dstport"},
            {"tcp", nullptr, "tcp.seq"},
            {"tcp", nullptr, "tcp.seq_raw"},
            {"tcp", nullptr, "tcp.ack"},
            {"tcp", nullptr, "tcp.ack_raw"},
            {"tcp", nullptr, "tcp.len"},
            {"tcp", nullptr, "tcp.hdr_len"},
            {"tcp", nullptr, "tcp.flags"},
            {"tcp", "tcp.flags_tree", "tcp.flags.syn"},
            {"tcp", "tcp.flags_tree", "tcp.flags.ack"},
            {"tcp", nullptr, "tcp.window_size_value"},
            {"tcp", nullptr, "tcp.checksum"},
            {"tcp", nullptr, "tcp.urgent_pointer"},
        };
        QStringList problems;
        for (qsizetype i = 0; i < packets.size(); ++i) {
            const auto layersOf = [](const QJsonValue &p) {
                return p.toObject()[QLatin1String("_source")]
                    .toObject()[QLatin1String("layers")]
                    .toObject();
            };
            const QJsonObject a = layersOf(packets[i]);
            const QJsonObject b = layersOf(expected[i]);
            for (const Key &k : keys) {
                QJsonObject la = a[QLatin1String(k.layer)].toObject();
                QJsonObject lb = b[QLatin1String(k.layer)].toObject();
                if (k.tree) {
                    la = la[QLatin1String(k.tree)].toObject();
                    lb = lb[QLatin1String(k.tree)].toObject();
                }
                const QJsonValue va = la[QLatin1String(k.name)];
                const QJsonValue vb = lb[QLatin1String(k.name)];
                if (vb.isUndefined())
                    problems << QStringLiteral("frame %1: tshark has no %2")
                                    .arg(i + 1)
                                    .arg(QLatin1String(k.name));
                else if (va != vb)
                    problems << QStringLiteral("frame %1 %2: ours %3, tshark %4")
                                    .arg(i + 1)
                                    .arg(QLatin1String(k.name), va.toString(), vb.toString());
            }
        }
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
    }

    // -T json -x: `"<field>_raw": ["<hex>", offset, length, bitmask, type]` before each field
    // and protocol that has bytes, as tshark writes it; every such entry we share with tshark
    // must be equal. No hex dump is added (tshark adds none either).
    void jsonRawLikeTshark_data()
    {
        QTest::addColumn<QString>("file");
        QTest::newRow("print-flags") << QStringLiteral("tcpdump/print-flags.pcap");
        QTest::newRow("dns_udp") << QStringLiteral("tcpdump/dns_udp.pcap");
        QTest::newRow("ipv6-routing") << QStringLiteral("tcpdump/ipv6-routing-header.pcap");
    }

    void jsonRawLikeTshark()
    {
        QFETCH(QString, file);
        const QStringList args = {QStringLiteral("-T"), QStringLiteral("json"),
                                  QStringLiteral("-x"), QStringLiteral("-r"), corpusFile(file)};
        const RunResult ours = runCli(args);
        QCOMPARE(ours.exitCode, 0);
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(ours.out, &error);
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
        QVERIFY(!ours.out.contains("0000  ")); // no hex dump
        const QJsonObject layers0 = doc.array()[0]
                                        .toObject()[QLatin1String("_source")]
                                        .toObject()[QLatin1String("layers")]
                                        .toObject();
        QVERIFY(layers0[QLatin1String("frame_raw")].isArray());
        QVERIFY(layers0[QLatin1String("eth_raw")].isArray());

        REQUIRE_TSHARK();
        const RunResult theirs = tshark(args);
        QCOMPARE(theirs.exitCode, 0);
        const QJsonArray expected = QJsonDocument::fromJson(theirs.out).array();
        QCOMPARE(expected.size(), doc.array().size());
        // Wireshark declares these without a bit mask (it adds them by value), so its `_raw`
        // holds the whole byte; ours are bit fields of that byte. Same offset and length.
        const QStringList maskDiffers = {QStringLiteral("ip.version_raw"),
                                         QStringLiteral("ip.hdr_len_raw"),
                                         QStringLiteral("ipv6.version_raw")};
        QStringList problems;
        int compared = 0;
        std::function<void(const QJsonObject &, const QJsonObject &, const QString &)> walk =
            [&](const QJsonObject &a, const QJsonObject &b, const QString &path) {
                for (auto it = a.begin(); it != a.end(); ++it) {
                    const QString &key = it.key();
                    if (!b.contains(key))
                        continue; // a field or layer tshark does not have (or names otherwise)
                    if (it->isObject()) {
                        walk(it->toObject(), b[key].toObject(), path + QLatin1Char('/') + key);
                        continue;
                    }
                    if (!key.endsWith(QLatin1String("_raw")) || !it->isArray())
                        continue;
                    const QJsonArray ra = it->toArray(), rb = b[key].toArray();
                    if (maskDiffers.contains(key)) {
                        if (ra[1] != rb[1] || ra[2] != rb[2])
                            problems << path + QLatin1Char('/') + key;
                        continue;
                    }
                    ++compared;
                    if (ra != rb)
                        problems << path + QLatin1Char('/') + key + QStringLiteral(": ours ") +
                                        QString::fromUtf8(
                                            QJsonDocument(ra).toJson(QJsonDocument::Compact)) +
                                        QStringLiteral(", tshark ") +
                                        QString::fromUtf8(
                                            QJsonDocument(rb).toJson(QJsonDocument::Compact));
                }
            };
        for (qsizetype i = 0; i < expected.size(); ++i)
            walk(doc.array()[i].toObject(), expected[i].toObject(),
                 QStringLiteral("frame %1").arg(i + 1));
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
        QVERIFY2(compared >= 40, qPrintable(QString::number(compared)));
    }

    // A script reading `-T json` of a file with no packets gets an empty array, spelled as
    // tshark spells it ("[]\n").
    void jsonEmptyFile()
    {
        const QStringList args = {QStringLiteral("-T"), QStringLiteral("json"),
                                  QStringLiteral("-r"),
                                  corpusFile(QStringLiteral("tcpdump/empty.pcap"))};
        const RunResult ours = runCli(args);
        QCOMPARE(ours.exitCode, 0);
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(ours.out, &error);
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
        QVERIFY(doc.isArray());
        QVERIFY(doc.array().isEmpty());

        REQUIRE_TSHARK();
        const RunResult theirs = tshark(args);
        QCOMPARE(theirs.exitCode, 0);
        QCOMPARE(ours.out, theirs.out);
    }

    void verboseTree()
    {
        const RunResult r = runCli({QStringLiteral("-V"), QStringLiteral("-c"), QStringLiteral("1"),
                                    QStringLiteral("-r"), printFlags()});
        QCOMPARE(r.exitCode, 0);
        const QList<QByteArray> l = lines(r.out);
        // Lines exactly as tshark -V prints them (protocol lines at column 0, fields indented
        // by four spaces a level).
        for (const char *expected :
             {"Frame 1: 74 bytes on wire (592 bits), 74 bytes captured (592 bits)",
              "Internet Protocol Version 4, Src: 127.0.0.1, Dst: 127.0.0.1",
              "    0100 .... = Version: 4", "    .... 0101 = Header Length: 20 bytes (5)",
              "    Total Length: 60", "    Identification: 0x1b68 (7016)", "    Time to Live: 64",
              "    Protocol: TCP (6)", "    Source Address: 127.0.0.1",
              "Transmission Control Protocol, Src Port: 55920, Dst Port: 80, Seq: 0, Len: 0",
              "    Source Port: 55920", "    Destination Port: 80",
              "    Sequence Number: 0    (relative sequence number)",
              "    Sequence Number (raw): 928549246", "        .... .... ..1. = Syn: Set",
              "    Window: 32767"})
            QVERIFY2(l.contains(QByteArray(expected)), expected);
        // The tree is followed by an empty line, as in tshark.
        QVERIFY(r.out.endsWith("\n\n"));
    }

    // The README's first-run command reads the bundled sample.
    void bundledSample()
    {
        const QString sample = QStringLiteral(PACKETLENS_SOURCE_DIR "/resources/samples/http.pcap");
        QVERIFY2(QFile::exists(sample), "resources/samples/http.pcap not found");
        const RunResult r = runCli({QStringLiteral("-r"), sample});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.err.isEmpty(), r.err.constData());
        const QList<QByteArray> l = lines(r.out);
        QCOMPARE(l.size(), 10);
        for (int i = 0; i < l.size(); ++i)
            QVERIFY2(l[i].startsWith(QByteArray::number(i + 1).rightJustified(5, ' ') + ' '),
                     l[i].constData());
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
