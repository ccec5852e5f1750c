#include "followcontroller.h"

#include "analysis/packetstore.h"
#include "capfile/capturefilereader.h"
#include "followstreamdialog.h"

#include <QAction>
#include <QApplication>
#include <QMenu>
#include <QMessageBox>
#include <QProgressDialog>
#include <QThread>

#include <atomic>

namespace pl {

FollowController::FollowController(PacketStore *store, QWidget *window, QMenu *analyzeMenu,
                                   std::function<qsizetype()> currentRow,
                                   std::function<bool(const QString &)> applyFilter,
                                   QObject *parent)
    : QObject(parent), m_store(store), m_window(window), m_currentRow(std::move(currentRow)),
      m_applyFilter(std::move(applyFilter))
{
    m_menu = new QMenu(tr("Follow"), window);
    m_tcp = m_menu->addAction(tr("&TCP Stream"));
    m_tcp->setShortcut(QKeySequence(Qt::CTRL | Qt::ALT | Qt::SHIFT | Qt::Key_T));
    m_udp = m_menu->addAction(tr("&UDP Stream"));
    m_udp->setShortcut(QKeySequence(Qt::CTRL | Qt::ALT | Qt::SHIFT | Qt::Key_U));
    for (QAction *a : {m_tcp, m_udp}) // shortcuts work with the menu closed
        window->addAction(a);
    connect(m_tcp, &QAction::triggered, this, [this] { follow(FollowedStream::Kind::Tcp); });
    connect(m_udp, &QAction::triggered, this, [this] { follow(FollowedStream::Kind::Udp); });
    connect(m_menu, &QMenu::aboutToShow, this, &FollowController::updateActions);
    if (analyzeMenu) {
        analyzeMenu->addSeparator();
        analyzeMenu->addMenu(m_menu);
        connect(analyzeMenu, &QMenu::aboutToShow, this, &FollowController::updateActions);
    }
}

void FollowController::addTo(QMenu *menu)
{
    updateActions();
    menu->addMenu(m_menu);
}

void FollowController::updateActions()
{
    const qsizetype row = m_currentRow();
    m_tcp->setEnabled(streamOf(row, FollowedStream::Kind::Tcp) >= 0);
    m_udp->setEnabled(streamOf(row, FollowedStream::Kind::Udp) >= 0);
}

qint64 FollowController::streamOf(qsizetype row, FollowedStream::Kind kind) const
{
    if (row < 0 || row >= m_store->count())
        return -1;
    // The store's own session: a revisit gives the index the packet list shows.
    const Registry &reg = Registry::instance();
    const FieldId field =
        reg.findField(kind == FollowedStream::Kind::Tcp ? "tcp.stream" : "udp.stream");
    FieldInterest interest(reg.fieldCount(), 0);
    interest[size_t(field)] = 1;
    Dissection d(Dissection::Mode::Summary);
    d.setInterest(&interest);
    d.setColumns(false);
    CapturedPacket storage;
    if (!m_store->dissect(row, d, storage))
        return -1;
    const FieldTree &t = d.fieldTree();
    for (int32_t i = t.node(FieldTree::root()).firstChild; i >= 0; i = t.node(i).next)
        if (t.node(i).field == field)
            return qint64(t.node(i).value);
    return -1;
}

bool FollowController::gather(FollowedStream::Kind kind, uint32_t index, FollowedStream &out,
                              QString *error)
{
    StreamFollower follower(kind, index);
    const std::string path = m_store->filePath().toStdString();
    const auto count = uint64_t(m_store->count());
    const Preferences prefs = m_store->activePreferences(); // what the list was dissected with
    std::atomic<bool> cancel{false}, finished{false};
    std::atomic<uint64_t> done{0};
    std::string failure;
    bool ok = false;
    // A pass over the file like a display filter's: on a worker, the GUI stays live.
    QThread *worker = QThread::create([&] {
        ok = followStream(
            path, count, follower, cancel, [&](uint64_t n) { done = n; }, failure, prefs);
        finished = true;
    });
    QProgressDialog progress(tr("Following the stream…"), tr("Cancel"), 0, int(count), m_window);
    progress.setWindowModality(Qt::WindowModal);
    progress.setMinimumDuration(300);
    worker->start();
    while (!finished) {
        progress.setValue(int(done.load()));
        if (progress.wasCanceled())
            cancel = true;
        QApplication::processEvents(QEventLoop::AllEvents, 20);
        QThread::msleep(5);
    }
    worker->wait();
    delete worker;
    progress.reset();
    if (!ok) {
        if (error)
            *error = cancel ? tr("Cancelled.") : QString::fromStdString(failure);
        return false;
    }
    out = follower.takeResult();
    return true;
}

bool FollowController::follow(FollowedStream::Kind kind)
{
    const qint64 index = streamOf(m_currentRow(), kind);
    if (index < 0)
        return false;
    FollowedStream stream;
    QString error;
    if (!gather(kind, uint32_t(index), stream, &error)) {
        if (error != tr("Cancelled."))
            QMessageBox::warning(m_window, tr("Follow Stream"),
                                 tr("Could not read the capture: %1").arg(error));
        return false;
    }
    // Like Wireshark: the packet list shows the stream while its dialog is open.
    m_applyFilter(QString::fromStdString(stream.filter()));
    auto *dialog = new FollowStreamDialog(std::move(stream), m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &FollowStreamDialog::filterRequested, this,
            [this](const QString &filter) { m_applyFilter(filter); });
    dialog->show();
    emit dialogOpened(dialog);
    return true;
}

} // namespace pl
