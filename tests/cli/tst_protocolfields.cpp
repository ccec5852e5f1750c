// Differential test of the application-layer fields: every tests/cli/protocolfields/*.txt
// names fields that `packetlens-cli -T fields` must print exactly as `tshark -T fields` does,
// over every corpus capture and the extra captures the file lists. A file reads:
//
//   # comment
//   field dns.qry.name
//   capture tests/data/dns-tcp.pcap            (repo-relative; checked for every protocol)
//   allow tcpdump/dns_tcp.pcap dns.qry.name the reason the difference is kept
//
// `allow` takes a capture (corpus-relative or repo-relative, as listed) and a field or `*`.
// One run of each tool per capture prints the fields of every file; each file is one row.

#include "clirun.h"

#include <QDir>
#include <QFile>
#include <QHash>
#include <QTest>

using namespace pltest;

namespace {

struct Allowance
{
    QString capture;
    QString field; ///< or "*"
    QString reason;
};

struct FieldList
{
    QString name; ///< the file's base name: the row's tag
    QStringList fields;
    QList<Allowance> allowances;
    QString error; ///< a line the parser did not understand
};

QString sourceDir()
{
    return QStringLiteral(PACKETLENS_SOURCE_DIR);
}

FieldList parse(const QString &path, QStringList &extraCaptures)
{
    FieldList list;
    list.name = QFileInfo(path).completeBaseName();
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        list.error = QStringLiteral("cannot open %1").arg(path);
        return list;
    }
    int number = 0;
    while (!f.atEnd()) {
        ++number;
        const QString line = QString::fromUtf8(f.readLine()).trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
            continue;
        const QStringList words = line.split(QLatin1Char(' '), Qt::SkipEmptyParts);
        if (words[0] == QLatin1String("field") && words.size() == 2) {
            list.fields << words[1];
        } else if (words[0] == QLatin1String("capture") && words.size() == 2) {
            if (!extraCaptures.contains(words[1]))
                extraCaptures << words[1];
        } else if (words[0] == QLatin1String("allow") && words.size() >= 4) {
            list.allowances.append({words[1], words[2], words.mid(3).join(QLatin1Char(' '))});
        } else {
            list.error =
                QStringLiteral("%1:%2: not understood: %3").arg(path).arg(number).arg(line);
            return list;
        }
    }
    return list;
}

QList<QByteArray> lines(const QByteArray &out)
{
    QList<QByteArray> l = out.split('\n');
    if (!l.isEmpty() && l.last().isEmpty())
        l.removeLast();
    return l;
}

/// One capture's output of both tools: a row of columns per frame.
struct Outputs
{
    QString error;
    QList<QList<QByteArray>> ours, theirs;
};

} // namespace

class TestProtocolFields : public QObject
{
    Q_OBJECT

    QList<FieldList> m_lists;
    QStringList m_allFields;           // every file's fields, in order, no repeats
    QStringList m_captures;            // as the lists name them (corpus- or repo-relative)
    QHash<QString, Outputs> m_outputs; // by capture
    QHash<QString, int> m_column;      // field → column in the outputs

    QString pathOf(const QString &capture) const
    {
        return capture.startsWith(QLatin1String("tests/"))
                   ? sourceDir() + QLatin1Char('/') + capture
                   : corpusFile(capture);
    }

    QStringList args(const QString &file, bool withEncap) const
    {
        QStringList a = {QStringLiteral("-r"), file,
                         QStringLiteral("-T"), QStringLiteral("fields"),
                         QStringLiteral("-E"), QStringLiteral("occurrence=a")};
        for (const QString &f : m_allFields)
            a << QStringLiteral("-e") << f;
        if (withEncap) // finds tshark's frames for pcapng custom blocks, which we skip
            a << QStringLiteral("-e") << QStringLiteral("frame.encap_type");
        return a;
    }

private slots:
    void initTestCase()
    {
        if (tsharkPath().isEmpty())
            QSKIP("tshark is not installed (apt-get install tshark): no differential test");
        if (!haveCorpus())
            QSKIP("PACKETLENS_CORPUS does not name the corpus directory (../shared/corpus)");
        const QDir dir(sourceDir() + QStringLiteral("/tests/cli/protocolfields"));
        QStringList extra;
        for (const QString &name :
             dir.entryList({QStringLiteral("*.txt")}, QDir::Files, QDir::Name)) {
            m_lists << parse(dir.filePath(name), extra);
            for (const QString &f : m_lists.last().fields)
                if (!m_column.contains(f)) {
                    m_column.insert(f, int(m_allFields.size()));
                    m_allFields << f;
                }
        }
        if (m_allFields.isEmpty())
            QSKIP("no fields listed in tests/cli/protocolfields");
        m_captures = corpusCaptures() + extra;

        for (const QString &capture : m_captures) {
            Outputs &o = m_outputs[capture];
            const QString file = pathOf(capture);
            if (!QFile::exists(file)) {
                o.error = QStringLiteral("%1 does not exist").arg(file);
                continue;
            }
            const RunResult theirs = runProgram(tsharkPath(), args(file, true));
            const RunResult ours = runCli(args(file, false));
            if (ours.exitCode != 0 || theirs.exitCode != 0) {
                o.error = QStringLiteral("exit codes: ours %1 (%2), tshark %3 (%4)")
                              .arg(ours.exitCode)
                              .arg(QString::fromUtf8(ours.err.left(300)))
                              .arg(theirs.exitCode)
                              .arg(QString::fromUtf8(theirs.err.left(300)));
                continue;
            }
            for (const QByteArray &l : lines(ours.out))
                o.ours << l.split('\t');
            for (const QByteArray &l : lines(theirs.out)) {
                QList<QByteArray> cols = l.split('\t');
                if (cols.size() == m_allFields.size() + 1 && !cols.last().isEmpty()) {
                    cols.removeLast();
                    o.theirs << cols;
                }
            }
        }
    }

    void sameFieldsAsTshark_data()
    {
        QTest::addColumn<int>("list");
        for (int i = 0; i < m_lists.size(); ++i)
            QTest::newRow(qPrintable(m_lists[i].name)) << i;
    }

    void sameFieldsAsTshark()
    {
        QFETCH(int, list);
        const FieldList &l = m_lists[list];
        if (!l.error.isEmpty())
            QFAIL(qPrintable(l.error));
        QStringList problems;
        int compared = 0, nonEmpty = 0;
        for (const QString &capture : m_captures) {
            const Outputs &o = m_outputs[capture];
            if (!o.error.isEmpty()) {
                problems << QStringLiteral("%1: %2").arg(capture, o.error);
                continue;
            }
            if (o.ours.size() != o.theirs.size()) {
                problems << QStringLiteral("%1: %2 frames, tshark %3")
                                .arg(capture)
                                .arg(o.ours.size())
                                .arg(o.theirs.size());
                continue;
            }
            for (const QString &field : l.fields) {
                bool allowed = false;
                for (const Allowance &a : l.allowances)
                    allowed = allowed || (a.capture == capture &&
                                          (a.field == field || a.field == QLatin1String("*")));
                const int c = m_column.value(field);
                for (qsizetype i = 0; i < o.ours.size(); ++i) {
                    const QByteArray ours = o.ours[i].value(c), theirs = o.theirs[i].value(c);
                    ++compared;
                    nonEmpty += !theirs.isEmpty();
                    if (ours == theirs || allowed)
                        continue;
                    problems << QStringLiteral("%1 frame %2 %3: ours \"%4\", tshark \"%5\"")
                                    .arg(capture)
                                    .arg(i + 1)
                                    .arg(field, QString::fromUtf8(ours.left(200)),
                                         QString::fromUtf8(theirs.left(200)));
                }
            }
        }
        if (!problems.isEmpty())
            QFAIL(qPrintable(QStringLiteral("%1 differences from tshark:\n  %2")
                                 .arg(problems.size())
                                 .arg(problems.mid(0, 60).join(QStringLiteral("\n  ")))));
        // A list whose fields tshark never prints on any capture tests nothing.
        QVERIFY2(nonEmpty > 0, qPrintable(QStringLiteral("%1: tshark printed none of the fields "
                                                         "on any capture (%2 values compared)")
                                              .arg(l.name)
                                              .arg(compared)));
    }
};

QTEST_GUILESS_MAIN(TestProtocolFields)
#include "tst_protocolfields.moc"
