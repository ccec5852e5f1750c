// The detail tree is dissected again, on demand, whenever a user selects a packet: any frame,
// in any order, long after the first pass. Its dissection must equal the first pass's, even
// where a protocol keeps state across frames (relative TCP sequence numbers, stream indexes,
// time deltas, ICMP request/reply matching). Only what the first pass cannot know yet may be
// added: the frame that completes a reassembly, a query's response.

#include "capfile/capturefilereader.h"
#include "corpusfiles.h"
#include "dissect/dissection.h"
#include "dissect/print/treetext.h"

#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTest>

namespace {

/// What only a revisit can know, as `tshark -2` shows it and one pass cannot: the frame that
/// completes a reassembly, named on the fragments and segments before it, and a DNS query's
/// response. Removed from the text of a revisit before comparing.
std::string withoutLaterFrames(const std::string &text)
{
    static const QRegularExpression later(
        QStringLiteral("^ *\\[(Reassembled (PDU|IPv4|IPv6) in frame|Response In): \\d+\\]\\n|"
                       " \\[Reassembled in #\\d+\\]"),
        QRegularExpression::MultilineOption);
    return QString::fromStdString(text).remove(later).toStdString();
}

} // namespace

class TestRevisit : public QObject
{
    Q_OBJECT
private slots:
    void sameTreeInAnyOrder_data()
    {
        QTest::addColumn<QString>("file");
        if (!pltest::haveCorpus())
            QSKIP("PACKETLENS_CORPUS does not name the corpus directory (../shared/corpus)");
        for (const QString &f : pltest::corpusCaptures())
            QTest::newRow(qPrintable(f)) << pltest::corpusDir() + QLatin1Char('/') + f;
    }

    void sameTreeInAnyOrder()
    {
        QFETCH(QString, file);
        pl::CaptureFileReader reader;
        QVERIFY2(reader.open(file.toStdString()), reader.error().c_str());
        pl::Session session;
        session.setRemembersFrames(true);
        pl::Dissection d(pl::Dissection::Mode::Tree);
        std::vector<std::string> firstPass;
        pl::CapturedPacket p;
        while (reader.next(p)) {
            d.dissect(p.frame, &session);
            std::string text;
            pl::print::appendTreeText(text, d);
            text += d.infoColumn();
            firstPass.push_back(std::move(text));
        }
        // Backwards, then in a shuffled order: each frame alone, as a click would ask for it.
        std::vector<uint64_t> order(firstPass.size());
        for (size_t i = 0; i < order.size(); ++i)
            order[i] = order.size() - 1 - i;
        QRandomGenerator rng(uint32_t(firstPass.size()) * 2654435761u);
        for (size_t i = order.size(); i > 1; --i)
            std::swap(order[i - 1], order[rng.bounded(uint32_t(i))]);
        order.insert(order.end(), order.rbegin(), order.rend());
        for (const uint64_t i : order) {
            QVERIFY(reader.readPacket(i, p));
            d.dissect(p.frame, &session);
            std::string text;
            pl::print::appendTreeText(text, d);
            text += d.infoColumn();
            text = withoutLaterFrames(text);
            if (text != firstPass[i])
                QFAIL(qPrintable(
                    QStringLiteral("frame %1 differs when dissected again:\n--- first "
                                   "pass\n%2\n--- again\n%3")
                        .arg(i + 1)
                        .arg(QString::fromStdString(firstPass[i]), QString::fromStdString(text))));
        }
    }
};

QTEST_APPLESS_MAIN(TestRevisit)
#include "tst_revisit.moc"
