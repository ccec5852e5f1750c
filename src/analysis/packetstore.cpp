#include "packetstore.h"

#include <QElapsedTimer>

#include <chrono>
#include <thread>

namespace pl {

namespace {

// The worker holds the lock for this many packets at a time: about a millisecond of summary
// dissection, so a row asked for by the GUI waits at most that long.
constexpr int kChunk = 1000;
// Announcements are batched: a view that resizes for every packet would spend its time there.
constexpr qint64 kAnnounceMs = 100;

// The first pass and the revisits must see the same preferences, or a revisit would not say
// what the first pass said. Summary lines never show a checksum's status (tshark's default).
void setSummaryPrefs(Dissection &d)
{
    d.prefs.verifyChecksums = false;
}

} // namespace

/// What the worker and the main thread share; every member is used under `mutex` (the worker
/// keeps its own shared_ptr, so nothing dangles while it stops).
struct PacketStore::Shared
{
    std::mutex mutex;
    CaptureFileReader reader;
    Session session;
    uint64_t loaded = 0; ///< packets the first pass has dissected
    bool haveFirst = false;
    int64_t firstSec = 0;
    uint32_t firstNsec = 0;
};

PacketStore::PacketStore(QObject *parent) : QObject(parent)
{
    setSummaryPrefs(m_rowDissection);
}

PacketStore::~PacketStore()
{
    stopWorker();
}

void PacketStore::stopWorker()
{
    m_cancel = true;
    if (m_worker.joinable())
        m_worker.join();
    m_cancel = false;
}

bool PacketStore::follow(const QString &path)
{
    return load(path, true);
}

bool PacketStore::open(const QString &path)
{
    return load(path, false);
}

bool PacketStore::load(const QString &path, bool following)
{
    close();
    // Set before the worker starts: a spool may hold no packet yet.
    m_following = following;
    auto shared = std::make_shared<Shared>();
    if (!shared->reader.open(path.toStdString())) {
        m_error = QString::fromStdString(shared->reader.error());
        m_following = false;
        return false;
    }
    shared->session.setRemembersFrames(true);
    shared->reader.setFollowing(following);
    const auto &ifs = shared->reader.interfaces();
    // A spool may have no interface yet; PacketLens writes it with nanosecond times.
    m_digits = ifs.empty() ? (following ? 9 : 6) : ifs.front().timeDigits();
    m_shared = std::move(shared);
    m_path = path;
    m_error.clear();
    m_loading = true;
    ++m_generation;
    m_worker = std::thread([this, s = m_shared, g = m_generation] { runWorker(s, g); });
    return true;
}

void PacketStore::close()
{
    m_following = false; // a file opened next is read as it is, unless follow() says so
    const bool hadFile = m_shared != nullptr;
    if (hadFile)
        emit aboutToClose();
    stopWorker();
    ++m_generation; // queued announcements of the old file are ignored from now on
    m_shared.reset();
    m_rows.clear();
    m_comments.clear();
    m_path.clear();
    m_error.clear();
    m_count = 0;
    m_loading = m_damaged = m_cancelledLoad = m_haveFirst = false;
    m_firstSec = 0;
    m_firstNsec = 0;
    m_digits = 6;
    if (hadFile)
        emit closed();
}

void PacketStore::cancel()
{
    if (!m_loading)
        return;
    m_following = false;
    stopWorker();
    uint64_t loaded;
    bool haveFirst;
    int64_t sec;
    uint32_t nsec;
    bool damaged;
    QString error;
    {
        std::lock_guard lock(m_shared->mutex);
        loaded = m_shared->loaded;
        haveFirst = m_shared->haveFirst;
        sec = m_shared->firstSec;
        nsec = m_shared->firstNsec;
        // The worker may have met damage just before it saw the request.
        damaged = m_shared->reader.damaged();
        if (damaged)
            error = QString::fromStdString(m_shared->reader.error());
    }
    m_cancelledLoad = true;
    if (haveFirst)
        announce(m_generation, qsizetype(loaded), sec, nsec, m_digits);
    finish(m_generation, damaged, error);
}

void PacketStore::runWorker(std::shared_ptr<Shared> s, uint64_t generation)
{
    Dissection d(Dissection::Mode::Summary);
    setSummaryPrefs(d);
    CapturedPacket p;
    QElapsedTimer sinceAnnounce;
    sinceAnnounce.start();
    bool announcedAny = false;
    const int digits = m_digits; // set before the thread started, never changed while it runs
    bool finalPass = false;
    for (;;) {
        bool end = false;
        uint64_t loaded;
        int64_t firstSec;
        uint32_t firstNsec;
        qint64 bytesRead, total;
        {
            std::lock_guard lock(s->mutex);
            for (int i = 0; i < kChunk; ++i) {
                if (!s->reader.next(p)) {
                    end = true;
                    break;
                }
                if (!s->haveFirst) { // like tshark, even a frame without a time is the reference
                    s->haveFirst = true;
                    s->firstSec = p.frame.tsSec;
                    s->firstNsec = p.frame.tsNsec;
                }
                d.dissect(p.frame, &s->session);
                ++s->loaded;
            }
            loaded = s->loaded;
            firstSec = s->firstSec;
            firstNsec = s->firstNsec;
            total = qint64(s->reader.fileSize());
            bytesRead = end ? total : qint64(p.fileOffset);
        }
        const bool cancelled = m_cancel.load(std::memory_order_relaxed);
        if (cancelled)
            return; // cancel() announces what was loaded itself
        // The first rows go out at once, so the view fills while the rest loads.
        if (end || !announcedAny || sinceAnnounce.elapsed() >= kAnnounceMs) {
            if (loaded > 0) {
                QMetaObject::invokeMethod(
                    this,
                    [this, generation, loaded, firstSec, firstNsec, digits] {
                        announce(generation, qsizetype(loaded), firstSec, firstNsec, digits);
                    },
                    Qt::QueuedConnection);
                announcedAny = true;
            }
            QMetaObject::invokeMethod(
                this,
                [this, generation, bytesRead, total] {
                    if (generation == m_generation && m_loading)
                        emit progress(bytesRead, total);
                },
                Qt::QueuedConnection);
            sinceAnnounce.restart();
        }
        if (end && m_following.load(std::memory_order_relaxed)) {
            // A spool still being written: wait for more, then read on.
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            continue;
        }
        if (end && !finalPass) {
            // Following ended (or never was): one more pass reads what the writer left, and
            // what is cut off at the end now really is damage.
            finalPass = true;
            std::lock_guard lock(s->mutex);
            s->reader.setFollowing(false);
            continue;
        }
        if (end) {
            bool damaged;
            QString error;
            {
                std::lock_guard lock(s->mutex);
                damaged = s->reader.damaged();
                if (damaged)
                    error = QString::fromStdString(s->reader.error());
            }
            QMetaObject::invokeMethod(
                this, [this, generation, damaged, error] { finish(generation, damaged, error); },
                Qt::QueuedConnection);
            return;
        }
    }
}

void PacketStore::announce(uint64_t generation, qsizetype total, int64_t firstSec,
                           uint32_t firstNsec, int digits)
{
    if (generation != m_generation || total <= m_count)
        return;
    if (!m_haveFirst) {
        m_haveFirst = true;
        m_firstSec = firstSec;
        m_firstNsec = firstNsec;
        m_digits = digits;
    }
    const qsizetype first = m_count;
    m_count = total;
    emit packetsAppended(first, total - 1);
}

void PacketStore::finish(uint64_t generation, bool damaged, const QString &error)
{
    if (generation != m_generation || !m_loading)
        return;
    m_loading = false;
    m_damaged = damaged;
    m_error = error;
    if (m_worker.joinable())
        m_worker.join(); // it has returned already: this event was its last act
    emit loadingFinished();
}

PacketStore::Row PacketStore::row(qsizetype index)
{
    if (index < 0 || index >= m_count || !m_shared)
        return {};
    if (const Row *cached = m_rows.object(index))
        return *cached;
    auto r = std::make_unique<Row>();
    {
        std::lock_guard lock(m_shared->mutex);
        if (!m_shared->reader.readPacket(uint64_t(index), m_rowPacket))
            return {};
        m_rowDissection.dissect(m_rowPacket.frame, &m_shared->session);
    }
    const Frame &f = m_rowPacket.frame;
    r->number = f.number;
    r->tsSec = f.tsSec;
    r->tsNsec = f.tsNsec;
    r->hasTime = f.hasTimestamp;
    r->length = f.wireLen;
    thread_local std::string text;
    text.clear();
    m_rowDissection.source().appendTo(text);
    r->source = QString::fromStdString(text);
    text.clear();
    m_rowDissection.destination().appendTo(text);
    r->destination = QString::fromStdString(text);
    const std::string_view proto = m_rowDissection.protocolColumn();
    r->protocol = QString::fromUtf8(proto.data(), qsizetype(proto.size()));
    r->info = QString::fromStdString(m_rowDissection.infoColumn());
    r->flags = m_rowDissection.flags();
    Row result = *r;
    m_rows.insert(index, r.release());
    return result;
}

bool PacketStore::dissect(qsizetype index, Dissection &dissection, CapturedPacket &storage)
{
    if (index < 0 || index >= m_count || !m_shared)
        return false;
    std::lock_guard lock(m_shared->mutex);
    if (!m_shared->reader.readPacket(uint64_t(index), storage))
        return false;
    // Comments the user edited stand in for the file's.
    if (const auto edited = m_comments.constFind(index); edited != m_comments.constEnd()) {
        storage.comments.clear();
        for (const QString &c : *edited)
            storage.comments.push_back(c.toStdString());
        storage.frame.comments = storage.comments;
    }
    dissection.dissect(storage.frame, &m_shared->session);
    return true;
}

QStringList PacketStore::comments(qsizetype row)
{
    if (const auto edited = m_comments.constFind(row); edited != m_comments.constEnd())
        return *edited;
    QStringList out;
    if (row < 0 || row >= m_count || !m_shared)
        return out;
    std::lock_guard lock(m_shared->mutex);
    if (m_shared->reader.readPacket(uint64_t(row), m_commentPacket))
        for (const std::string &c : m_commentPacket.comments)
            out << QString::fromStdString(c);
    return out;
}

void PacketStore::setComments(qsizetype row, const QStringList &comments)
{
    if (row < 0 || row >= m_count)
        return;
    m_comments.insert(row, comments);
    emit commentsChanged(row);
}

QHash<quint64, QStringList> PacketStore::editedComments() const
{
    QHash<quint64, QStringList> byFrame;
    for (auto it = m_comments.constBegin(); it != m_comments.constEnd(); ++it)
        byFrame.insert(quint64(it.key()) + 1, it.value());
    return byFrame;
}

} // namespace pl
