#include "packetfinder.h"

#include "analysis/displayfilter.h"
#include "analysis/packetstore.h"
#include "capfile/capturefilereader.h"
#include "dissect/dissection.h"
#include "dissect/fieldformat.h"

#include <QCoreApplication>
#include <QElapsedTimer>

#include <array>
#include <cstring>
#include <string>
#include <string_view>

namespace pl {

namespace {

constexpr std::array<uint8_t, 256> makeFoldTable()
{
    std::array<uint8_t, 256> t{};
    for (int c = 0; c < 256; ++c)
        t[size_t(c)] = uint8_t(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return t;
}
constexpr std::array<uint8_t, 256> kFold = makeFoldTable();

// How often a running find() calls its progress callback (its first check always does).
constexpr qint64 kProgressMs = 50;

QString tr(const char *text)
{
    return QCoreApplication::translate("PacketFinder", text);
}

bool isSeparator(QChar c)
{
    return c.isSpace() || c == u':' || c == u'.' || c == u'-';
}

int hexDigit(QChar c)
{
    const char16_t u = c.unicode();
    if (u >= u'0' && u <= u'9')
        return u - u'0';
    if (u >= u'a' && u <= u'f')
        return u - u'a' + 10;
    if (u >= u'A' && u <= u'F')
        return u - u'A' + 10;
    return -1;
}

} // namespace

/// What find() keeps between searches: the reader for byte searches and the dissections, so
/// a search allocates nothing per packet once warm.
struct PacketFinder::Impl
{
    /// A reader of the store's file of our own: byte searches read without the store's lock
    /// and without dissecting. Dropped when the store closes (the path may get another file).
    std::unique_ptr<CaptureFileReader> reader;
    bool readerFailed = false; ///< the file would not open: not tried again per row
    QMetaObject::Connection closing;
    CapturedPacket packet;

    Dissection summary{Dissection::Mode::Summary};
    Dissection tree{Dissection::Mode::Tree};

    // The compiled query.
    FindQuery::Method method = FindQuery::Method::DisplayFilter;
    FindQuery::Scope scope = FindQuery::Scope::Info;
    DisplayFilter filter;
    std::string needle;   ///< bytes, or UTF-8 text (ASCII-folded when `fold`)
    bool fold = false;    ///< ASCII case folding of the haystack
    bool unicode = false; ///< case-insensitive with non-ASCII text: compare as QString
    QString textNeedle;
    std::string folded; ///< scratch for the folded haystack

    bool contains(const uint8_t *data, size_t len)
    {
        if (needle.empty())
            return false;
        if (unicode)
            return QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(len))
                .contains(textNeedle, Qt::CaseInsensitive);
        if (fold) {
            folded.resize(len);
            // Arithmetic rather than kFold: the compiler vectorizes it (half the time of
            // a table lookup per byte over a million packets).
            auto *out = reinterpret_cast<uint8_t *>(folded.data());
            for (size_t i = 0; i < len; ++i)
                out[i] = uint8_t(data[i] + (uint8_t(data[i] - 'A') < 26 ? 32 : 0));
            data = reinterpret_cast<const uint8_t *>(folded.data());
        }
        return ::memmem(data, len, needle.data(), needle.size()) != nullptr;
    }
    bool contains(std::string_view s)
    {
        return contains(reinterpret_cast<const uint8_t *>(s.data()), s.size());
    }

    /// The bytes of store row `row` through our own reader (zero copy: valid until the next
    /// read). false when the row cannot be read.
    bool readBytes(PacketStore &store, qsizetype row, const uint8_t *&data, size_t &len)
    {
        if (!reader && !readerFailed) {
            reader = std::make_unique<CaptureFileReader>();
            if (reader->open(store.filePath().toStdString())) {
                // A spool still being written ends in a cut-off record now and then: not
                // damage, only the end for now.
                reader->setFollowing(true);
                reader->setZeroCopy(true);
            } else {
                reader.reset();
                readerFailed = true; // until the next find()
            }
        }
        if (reader) {
            if (uint64_t(row) >= reader->packetCount())
                reader->buildIndex(); // on from where it stopped: the rows announced since
            if (!reader->readPacket(uint64_t(row), packet))
                return false;
        } else if (!store.dissect(row, summary, packet)) {
            // The file went away under the store, which still has it open: its bytes come
            // through the store then, with a (cheap) summary dissection, its only way.
            return false;
        }
        data = packet.frame.data;
        len = packet.frame.capLen;
        return true;
    }

    /// Whether any label of the tree, as the detail pane shows it, holds the text. Hidden
    /// items and everything below them are not shown, so not searched.
    bool treeContains()
    {
        const FieldTree &t = tree.fieldTree();
        const Registry &reg = tree.registry();
        int32_t i = t.node(FieldTree::root()).firstChild;
        while (i >= 0) {
            const FieldNode &n = t.node(i);
            bool descend = false;
            if (!(n.flags & Hidden)) {
                if (contains(fieldformat::label(reg, t, i, tree.nodeData(n))))
                    return true;
                descend = n.firstChild >= 0;
            }
            if (descend) {
                i = n.firstChild;
                continue;
            }
            while (i >= 0 && t.node(i).next < 0)
                i = t.node(i).parent;
            if (i >= 0)
                i = t.node(i).next;
        }
        return false;
    }

    bool matches(PacketStore &store, qsizetype row)
    {
        switch (method) {
        case FindQuery::Method::DisplayFilter:
            return store.matches(row, filter); // the store's dissection and preferences
        case FindQuery::Method::Hex: {
            const uint8_t *data;
            size_t len;
            return readBytes(store, row, data, len) && contains(data, len);
        }
        case FindQuery::Method::String:
            break;
        }
        switch (scope) {
        case FindQuery::Scope::Bytes: {
            const uint8_t *data;
            size_t len;
            return readBytes(store, row, data, len) && contains(data, len);
        }
        case FindQuery::Scope::Info:
            return store.dissect(row, summary, packet) && contains(summary.infoColumn());
        case FindQuery::Scope::Tree:
            return store.dissect(row, tree, packet) && treeContains();
        }
        return false;
    }
};

PacketFinder::PacketFinder(PacketStore &store) : m_store(store), m_impl(std::make_unique<Impl>())
{
    // As PacketStore::row() dissects: the Info column searched is the one the list shows.
    m_impl->summary.prefs.verifyChecksums = false;
    Impl *impl = m_impl.get();
    m_impl->closing =
        QObject::connect(&store, &PacketStore::aboutToClose, [impl] { impl->reader.reset(); });
}

PacketFinder::~PacketFinder()
{
    QObject::disconnect(m_impl->closing);
}

std::optional<QByteArray> PacketFinder::parseHex(const QString &text, QString *error)
{
    QByteArray bytes;
    int high = -1; // the first digit of a pair
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (isSeparator(c))
            continue;
        const int digit = hexDigit(c);
        if (digit < 0) {
            if (error)
                *error = tr("'%1' is not a hex digit").arg(c);
            return std::nullopt;
        }
        if (high < 0) {
            high = digit;
        } else {
            bytes.append(char(high << 4 | digit));
            high = -1;
        }
    }
    if (high >= 0) {
        if (error)
            *error = tr("Hex value has an odd number of digits");
        return std::nullopt;
    }
    if (bytes.isEmpty()) {
        if (error)
            *error = tr("Enter a hex value such as 00:1b:21");
        return std::nullopt;
    }
    return bytes;
}

bool PacketFinder::validate(const FindQuery &q, QString *error)
{
    switch (q.method) {
    case FindQuery::Method::DisplayFilter: {
        if (q.text.trimmed().isEmpty()) {
            if (error)
                *error = tr("Enter a display filter");
            return false;
        }
        const DisplayFilter f = DisplayFilter::compile(q.text.toStdString());
        if (!f.ok()) {
            if (error)
                *error = QString::fromStdString(f.error().text);
            return false;
        }
        return true;
    }
    case FindQuery::Method::Hex:
        return parseHex(q.text, error).has_value();
    case FindQuery::Method::String:
        if (q.text.isEmpty()) {
            if (error)
                *error = tr("Enter a string to find");
            return false;
        }
        return true;
    }
    return false;
}

int PacketFinder::find(const FindQuery &q, int viewCount,
                       const std::function<qsizetype(int)> &storeRowOf, int fromViewRow,
                       bool forward)
{
    m_wrapped = m_cancelled = false;
    if (viewCount <= 0 || !validate(q, nullptr))
        return -1;

    Impl &m = *m_impl;
    m.method = q.method;
    m.scope = q.scope;
    m.fold = m.unicode = m.readerFailed = false;
    m.needle.clear();
    switch (q.method) {
    case FindQuery::Method::DisplayFilter:
        m.filter = DisplayFilter::compile(q.text.toStdString());
        break;
    case FindQuery::Method::Hex: {
        const QByteArray bytes = *parseHex(q.text);
        m.needle.assign(bytes.constData(), size_t(bytes.size()));
        break;
    }
    case FindQuery::Method::String: {
        const QByteArray utf8 = q.text.toUtf8();
        m.needle.assign(utf8.constData(), size_t(utf8.size()));
        if (!q.caseSensitive) {
            bool ascii = true;
            for (const char c : m.needle)
                ascii = ascii && uchar(c) < 0x80;
            // Bytes are narrow text: only ASCII letters fold there, as in Wireshark. Text
            // (Info, tree labels) is Unicode: other letters fold too.
            if (ascii || q.scope == FindQuery::Scope::Bytes) {
                m.fold = true;
                for (char &c : m.needle)
                    c = char(kFold[uchar(c)]);
            } else {
                m.unicode = true;
                m.textNeedle = q.text;
            }
        }
        break;
    }
    }

    // The rows in order: after the start, around the end, the start itself last.
    const bool haveStart = fromViewRow >= 0 && fromViewRow < viewCount;
    const int step = forward ? 1 : -1;
    int view = haveStart ? fromViewRow : (forward ? -1 : viewCount);
    QElapsedTimer clock;
    clock.start();
    qint64 lastReport = -kProgressMs; // the first check reports
    int result = -1;
    for (int done = 0; done < viewCount; ++done) {
        view += step;
        if (view >= viewCount)
            view = 0;
        else if (view < 0)
            view = viewCount - 1;
        if ((done & 255) == 255) {
            if (m_cancelFlag && m_cancelFlag->load(std::memory_order_relaxed)) {
                m_cancelled = true;
                break;
            }
            if (m_progress && clock.elapsed() - lastReport >= kProgressMs) {
                lastReport = clock.elapsed();
                if (!m_progress(done, viewCount)) {
                    m_cancelled = true;
                    break;
                }
            }
        }
        const qsizetype row = storeRowOf(view);
        if (row >= 0 && row < m_store.count() && m.matches(m_store, row)) {
            result = view;
            break;
        }
    }
    if (result >= 0 && haveStart)
        m_wrapped = forward ? result <= fromViewRow : result >= fromViewRow;
    return result;
}

} // namespace pl
