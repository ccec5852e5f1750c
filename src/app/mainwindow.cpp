#include "mainwindow.h"

#include "analysis/expertcollector.h"
#include "analysis/rowbits.h"
#include "app/capturecontroller.h"
#include "app/capturedialog.h"
#include "app/displayfilteredit.h"
#include "app/expertinfodialog.h"
#include "app/expertinfomodel.h"
#include "app/filtercontroller.h"
#include "app/followcontroller.h"
#include "app/hexview.h"
#include "app/interfacelistmodel.h"
#include "app/packetlistmodel.h"
#include "app/preferencesdialog.h"
#include "app/prototreemodel.h"
#include "app/startpage.h"
#include "dissect/registry.h"
#include "ui_mainwindow.h"

#include <QActionGroup>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QEventLoop>
#include <QFileDialog>
#include <QFileInfo>
#include <QGuiApplication>
#include <QHeaderView>
#include <QIcon>
#include <QInputDialog>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QPainter>
#include <QProgressBar>
#include <QProgressDialog>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QStatusBar>
#include <QToolButton>
#include <algorithm>
#include <functional>
#include <utility>

namespace pl {

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent), m_ui(std::make_unique<Ui::MainWindow>()), m_store(new PacketStore(this)),
      m_packetModel(new PacketListModel(m_store, this)), m_treeModel(new ProtoTreeModel(this)),
      m_capture(new CaptureController(this)), m_exporter(new SessionExporter(this)),
      m_spoolDirectory(CaptureController::spoolDirectory())
{
    m_ui->setupUi(this);
    m_ui->packetList->setModel(m_packetModel);
    m_ui->packetList->verticalHeader()->setDefaultSectionSize(
        m_ui->packetList->fontMetrics().height() + 4);
    m_ui->packetList->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    const int widths[] = {70, 110, 160, 160, 80, 70};
    for (int c = 0; c < int(std::size(widths)); ++c)
        m_ui->packetList->setColumnWidth(c, widths[c]);
    m_ui->detailTree->setModel(m_treeModel);
    m_listFont = m_ui->packetList->font();
    m_hexFont = m_ui->hexView->font();
    // Wireshark's proportions: list, details, bytes.
    m_ui->splitter->setStretchFactor(0, 5);
    m_ui->splitter->setStretchFactor(1, 3);
    m_ui->splitter->setStretchFactor(2, 2);
    m_ui->splitter->setSizes({400, 240, 160});

    m_statusFile = new QLabel(this);
    m_statusCounts = new QLabel(this);
    m_progress = new QProgressBar(this);
    m_progress->setMaximumWidth(160);
    m_progress->setVisible(false);
    m_cancel = new QToolButton(this);
    m_cancel->setText(tr("Cancel"));
    m_cancel->setVisible(false);
    statusBar()->addWidget(m_statusFile, 1);
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_cancel);
    statusBar()->addPermanentWidget(m_statusCounts);

    setAcceptDrops(true);
    connectStartPage();
    connectActions();
    connectExport();
    connectSpool();
    setUpContextMenus();
    connectFilter();
    connectExpertInfo();
    connectPreferences();
    restoreSettings();
    rebuildRecentMenu();
    updateStatus();
}

MainWindow::~MainWindow()
{
    // Stop while the window's members still exist: the helper delivers what it holds.
    endCapture();
}

namespace {
constexpr int kRecentFiles = 10;
const QString kGeometry = QStringLiteral("window/geometry");
const QString kState = QStringLiteral("window/state");
const QString kSplitter = QStringLiteral("window/splitter");
const QString kColumns = QStringLiteral("window/columns");
const QString kTimeFormat = QStringLiteral("view/timeFormat");
const QString kRecent = QStringLiteral("files/recent");
const QString kZoom = QStringLiteral("view/zoom");
const QString kPanes = QStringLiteral("view/panes");
const QString kCapture = QStringLiteral("capture/");

/// The last capture's options, so that Start and the options dialog begin from them.
void saveCaptureConfig(const ipc::Config &c)
{
    QSettings s;
    s.setValue(kCapture + QStringLiteral("interfaces"), c.interfaces);
    s.setValue(kCapture + QStringLiteral("filter"), c.filter);
    s.setValue(kCapture + QStringLiteral("snaplen"), c.snaplen);
    s.setValue(kCapture + QStringLiteral("promiscuous"), c.promiscuous);
    s.setValue(kCapture + QStringLiteral("bufferMiB"), c.bufferMiB);
}

void saveCaptureLimits(const CaptureLimits &l)
{
    QSettings s;
    s.setValue(kCapture + QStringLiteral("limitPackets"), l.packets);
    s.setValue(kCapture + QStringLiteral("limitSeconds"), l.seconds);
    s.setValue(kCapture + QStringLiteral("limitMiB"), l.megabytes);
    s.setValue(kCapture + QStringLiteral("ringFileMiB"), l.ringFileMiB);
    s.setValue(kCapture + QStringLiteral("ringFiles"), l.ringFiles);
}

CaptureLimits loadCaptureLimits()
{
    QSettings s;
    CaptureLimits l;
    l.packets = s.value(kCapture + QStringLiteral("limitPackets"), 0).toULongLong();
    l.seconds = s.value(kCapture + QStringLiteral("limitSeconds"), 0).toULongLong();
    l.megabytes = s.value(kCapture + QStringLiteral("limitMiB"), 0).toULongLong();
    l.ringFileMiB = s.value(kCapture + QStringLiteral("ringFileMiB"), 0).toULongLong();
    l.ringFiles = s.value(kCapture + QStringLiteral("ringFiles"), 0).toInt();
    return l;
}

ipc::Config loadCaptureConfig()
{
    QSettings s;
    ipc::Config c;
    c.interfaces = s.value(kCapture + QStringLiteral("interfaces")).toStringList();
    c.filter = s.value(kCapture + QStringLiteral("filter")).toString();
    c.snaplen = s.value(kCapture + QStringLiteral("snaplen"), c.snaplen).toUInt();
    c.promiscuous = s.value(kCapture + QStringLiteral("promiscuous"), c.promiscuous).toBool();
    c.bufferMiB = s.value(kCapture + QStringLiteral("bufferMiB"), c.bufferMiB).toUInt();
    return c;
}
} // namespace

void MainWindow::restoreSettings()
{
    QSettings s;
    restoreGeometry(s.value(kGeometry).toByteArray());
    restoreState(s.value(kState).toByteArray());
    if (s.contains(kSplitter))
        m_ui->splitter->restoreState(s.value(kSplitter).toByteArray());
    if (s.contains(kColumns))
        m_ui->packetList->horizontalHeader()->restoreState(s.value(kColumns).toByteArray());
    setZoom(s.value(kZoom, 0).toInt());
    const QList<QVariant> panes = s.value(kPanes).toList();
    QAction *const paneActions[] = {m_ui->actionShowPacketList, m_ui->actionShowPacketDetails,
                                    m_ui->actionShowPacketBytes};
    for (int i = 0; i < panes.size() && i < int(std::size(paneActions)); ++i)
        if (paneActions[i]->isChecked() != panes[i].toBool())
            paneActions[i]->trigger();
    syncColumnActions();
    const int format = s.value(kTimeFormat, 0).toInt();
    const QList<QAction *> actions = m_ui->menuTimeFormat->actions();
    if (format > 0 && format < actions.size())
        actions[format]->trigger();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (!maybeSaveSession(tr("before quitting"))) {
        event->ignore();
        return;
    }
    endCapture();
    QSettings s;
    s.setValue(kGeometry, saveGeometry());
    s.setValue(kState, saveState());
    s.setValue(kSplitter, m_ui->splitter->saveState());
    s.setValue(kColumns, m_ui->packetList->horizontalHeader()->saveState());
    s.setValue(kTimeFormat, int(m_packetModel->timeFormat()));
    s.setValue(kZoom, m_zoom);
    s.setValue(kPanes, QList<QVariant>{m_ui->actionShowPacketList->isChecked(),
                                       m_ui->actionShowPacketDetails->isChecked(),
                                       m_ui->actionShowPacketBytes->isChecked()});
    QMainWindow::closeEvent(event);
}

QStringList MainWindow::recentFiles() const
{
    return QSettings().value(kRecent).toStringList();
}

void MainWindow::addRecentFile(const QString &path)
{
    QStringList files = recentFiles();
    const QString absolute = QFileInfo(path).absoluteFilePath();
    files.removeAll(absolute);
    files.prepend(absolute);
    while (files.size() > kRecentFiles)
        files.removeLast();
    QSettings().setValue(kRecent, files);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu()
{
    m_ui->menuRecent->clear();
    const QStringList files = recentFiles();
    for (const QString &f : files)
        m_ui->menuRecent->addAction(f, this, [this, f] { openFile(f); });
    m_ui->menuRecent->setEnabled(!files.isEmpty());
    m_ui->startPage->setRecentFiles(files);
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    if (!urls.isEmpty() && urls.constFirst().isLocalFile()) {
        openFile(urls.constFirst().toLocalFile());
        event->acceptProposedAction();
    }
}

QTableView *MainWindow::packetList() const
{
    return m_ui->packetList;
}

QTreeView *MainWindow::detailTree() const
{
    return m_ui->detailTree;
}

HexView *MainWindow::hexView() const
{
    return m_ui->hexView;
}

void MainWindow::connectActions()
{
    connect(m_ui->actionOpen, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getOpenFileName(
            this, tr("Open Capture File"), QString(),
            tr("Capture files (*.pcap *.pcapng *.cap *.pcap.gz);;All files (*)"));
        if (!path.isEmpty())
            openFile(path);
    });
    connect(m_ui->actionQuit, &QAction::triggered, this, &QWidget::close);
    connect(m_ui->actionClose, &QAction::triggered, this, &MainWindow::closeCapture);
    connect(m_ui->actionAbout, &QAction::triggered, this, [this] {
        QMessageBox::about(this, tr("About PacketLens"),
                           tr("PacketLens %1\nA packet analyzer: as correct as tshark, fast on "
                              "big captures, never privileged itself.")
                               .arg(QStringLiteral(PACKETLENS_VERSION)));
    });

    auto *timeFormats = new QActionGroup(this);
    const std::pair<QAction *, PacketListModel::TimeFormat> formats[] = {
        {m_ui->actionTimeRelative, PacketListModel::TimeFormat::Relative},
        {m_ui->actionTimeAbsolute, PacketListModel::TimeFormat::Absolute},
        {m_ui->actionTimeDelta, PacketListModel::TimeFormat::Delta},
        {m_ui->actionTimeUtc, PacketListModel::TimeFormat::Utc},
        {m_ui->actionTimeEpoch, PacketListModel::TimeFormat::Epoch},
    };
    for (const auto &[action, format] : formats) {
        timeFormats->addAction(action);
        connect(action, &QAction::triggered, this,
                [this, format = format] { m_packetModel->setTimeFormat(format); });
    }
    connectViewActions();
    connectSortingAndMarks();
    connect(m_ui->actionExpandAll, &QAction::triggered, m_ui->detailTree, &QTreeView::expandAll);
    connect(m_ui->actionCollapseAll, &QAction::triggered, m_ui->detailTree,
            &QTreeView::collapseAll);
    connect(m_ui->actionFirstPacket, &QAction::triggered, this, [this] {
        if (m_packetModel->rowCount() > 0)
            m_ui->packetList->selectRow(0);
    });
    connect(m_ui->actionLastPacket, &QAction::triggered, this, [this] {
        if (m_packetModel->rowCount() > 0)
            m_ui->packetList->selectRow(m_packetModel->rowCount() - 1);
    });
    connect(m_ui->packetList->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                if (m_capture->isCapturing())
                    m_autoScroll = false; // the user looks at a packet: stop following
                showPacket(current.row());
            });
    // Auto-scroll pauses when the user scrolls up and resumes at the bottom.
    QScrollBar *scroll = m_ui->packetList->verticalScrollBar();
    connect(scroll, &QScrollBar::valueChanged, this,
            [this, scroll](int value) { m_autoScroll = value >= scroll->maximum(); });
    connect(m_ui->detailTree->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex &current) { onTreeCurrentChanged(current); });
    connect(m_ui->detailTree, &QTreeView::expanded, this,
            [this](const QModelIndex &i) { rememberExpansion(i, true); });
    connect(m_ui->detailTree, &QTreeView::collapsed, this,
            [this](const QModelIndex &i) { rememberExpansion(i, false); });
    connect(m_ui->hexView, &HexView::byteClicked, this, &MainWindow::onByteClicked);

    connect(m_store, &PacketStore::packetsAppended, this, &MainWindow::onPacketsAppended);
    connect(m_store, &PacketStore::loadingFinished, this, &MainWindow::onLoadingFinished);
    connect(m_store, &PacketStore::progress, this, [this](qint64 done, qint64 total) {
        m_progress->setRange(0, 1000);
        m_progress->setValue(total > 0 ? int(done * 1000 / total) : 0);
    });
    connect(m_cancel, &QToolButton::clicked, m_store, &PacketStore::cancel);
    connect(m_store, &PacketStore::closed, this, [this] {
        m_progress->setVisible(false);
        m_cancel->setVisible(false);
    });

    connect(m_ui->actionStartCapture, &QAction::triggered, this, [this] {
        // The interfaces picked on the start page, else what the user last started, else the
        // options dialog.
        if (showsStartPage() && !m_ui->startPage->selectedInterfaces().isEmpty()) {
            m_ui->startPage->startSelected();
            return;
        }
        const ipc::Config last = loadCaptureConfig();
        if (last.interfaces.isEmpty())
            showCaptureOptions();
        else if (maybeSaveSession(tr("before starting a new capture")))
            startCapture(last);
    });
    connect(m_ui->actionCaptureOptions, &QAction::triggered, this, &MainWindow::showCaptureOptions);
    connect(m_ui->actionRestartCapture, &QAction::triggered, this, &MainWindow::restartCapture);
    connect(m_ui->actionStopCapture, &QAction::triggered, this, &MainWindow::stopCapture);
    connect(
        m_capture, &CaptureController::started, this,
        [this](const QString &spool, const QStringList &interfaces) {
            m_store->follow(spool);
            setWindowTitle(
                tr("Capturing from %1 — PacketLens").arg(interfaces.join(QStringLiteral(", "))));
            m_statusFile->setText(
                tr("Capturing from %1 into %2")
                    .arg(interfaces.join(QStringLiteral(", ")), QDir::toNativeSeparators(spool)));
            m_captureClock.start();
            m_durationTimer.start(1000);
            updateStatus();
        });
    connect(m_capture, &CaptureController::failed, this, &MainWindow::onCaptureFailed);
    connect(m_capture, &CaptureController::finished, this, [this] {
        m_store->stopFollowing();
        m_durationTimer.stop();
        m_captureMs = m_captureClock.isValid() ? m_captureClock.elapsed() : -1;
        m_captureClock.invalidate();
        updateCaptureActions();
        updateStatus();
    });
    connect(&m_durationTimer, &QTimer::timeout, this, &MainWindow::updateStatus);
}

void MainWindow::connectStartPage()
{
    StartPage *page = m_ui->startPage;
    connect(page, &StartPage::captureRequested, this, [this](const ipc::Config &config) {
        if (maybeSaveSession(tr("before starting a new capture")))
            startCapture(config);
    });
    connect(page, &StartPage::openRequested, this, [this](const QString &path) { openFile(path); });
    connect(page, &StartPage::openDialogRequested, m_ui->actionOpen, &QAction::trigger);
    // The interface rates are sampled only while someone can see them.
    connect(m_ui->pages, &QStackedWidget::currentChanged, this,
            [this, page] { page->setLive(m_ui->pages->currentWidget() == page && isVisible()); });
    m_capture->setLimits(loadCaptureLimits());
    const ipc::Config last = loadCaptureConfig();
    page->setFilter(last.filter);
    page->setSelectedInterfaces(last.interfaces);
    page->setCaptureOptions(last);
    m_ui->pages->setCurrentWidget(page);
}

void MainWindow::showEvent(QShowEvent *event)
{
    QMainWindow::showEvent(event);
    m_ui->startPage->setLive(m_ui->pages->currentWidget() == m_ui->startPage);
}

void MainWindow::hideEvent(QHideEvent *event)
{
    m_ui->startPage->setLive(false);
    QMainWindow::hideEvent(event);
}

bool MainWindow::showsStartPage() const
{
    return m_ui->pages->currentWidget() == m_ui->startPage;
}

void MainWindow::closeCapture()
{
    // File > Close: back to the start page, once unsaved packets are saved or discarded.
    if (!maybeSaveSession(tr("before closing")))
        return;
    endCapture();
    m_store->close();
    m_treeModel->clear();
    m_ui->hexView->setData({});
    m_captureMs = -1;
    setWindowTitle(tr("PacketLens"));
    m_statusFile->clear();
    m_ui->startPage->setRecentFiles(recentFiles());
    m_ui->pages->setCurrentWidget(m_ui->startPage);
    updateStatus();
}

void MainWindow::connectExport()
{
    connect(m_ui->actionSaveAs, &QAction::triggered, this,
            [this] { showExportDialog(ExportDialog::Purpose::SaveAs); });
    connect(m_ui->actionExportPackets, &QAction::triggered, this,
            [this] { showExportDialog(ExportDialog::Purpose::ExportPackets); });
    connect(m_ui->actionExportDissections, &QAction::triggered, this,
            [this] { showExportDialog(ExportDialog::Purpose::ExportDissections); });
    auto enable = [this] {
        const bool any = m_store->count() > 0 && !m_exporter->isRunning();
        for (QAction *a :
             {m_ui->actionSaveAs, m_ui->actionExportPackets, m_ui->actionExportDissections})
            a->setEnabled(any);
    };
    connect(m_store, &PacketStore::packetsAppended, this, enable);
    connect(m_store, &PacketStore::closed, this, enable);
    connect(m_exporter, &SessionExporter::progress, this, [this](qint64 done, qint64 total) {
        m_progress->setVisible(true);
        m_progress->setRange(0, 1000);
        m_progress->setValue(total > 0 ? int(done * 1000 / total) : 0);
    });
    connect(m_exporter, &SessionExporter::finished, this,
            [this, enable](bool ok, const QString &error) {
                m_progress->setVisible(m_store->isLoading());
                enable();
                const SessionExporter::Result &r = m_exporter->result();
                if (ok) {
                    // A whole save covers the packets it had, of that session only.
                    if (m_pendingSave.source == m_store->filePath()) {
                        m_saved = m_pendingSave;
                        m_commentsDirty = false;
                    }
                    m_pendingSave = {};
                    statusBar()->showMessage(tr("%n packet(s) written", nullptr, int(r.packets)),
                                             5000);
                    return;
                }
                m_pendingSave = {};
                if (r.cancelled) {
                    statusBar()->showMessage(tr("Export cancelled; nothing was written"), 5000);
                    return;
                }
                // Nothing half-written is left; the packets are still unsaved.
                auto *box = new QMessageBox(QMessageBox::Warning, tr("Export Failed"),
                                            tr("The file was not written.\n%1").arg(error),
                                            QMessageBox::Ok, this);
                box->setAttribute(Qt::WA_DeleteOnClose);
                box->open();
            });
}

void MainWindow::showExportDialog(ExportDialog::Purpose purpose)
{
    ExportDialog::Packets packets;
    packets.count = quint64(m_store->count());
    const qsizetype current = m_packetModel->storeRow(m_ui->packetList->currentIndex().row());
    packets.selected = current >= 0 ? quint64(current) + 1 : 0;
    packets.markBits = m_packetModel->markBits();
    if (m_packetModel->isFiltered()) {
        // Wireshark's "Displayed" column: the packets the list shows. Not the store's bits:
        // while a filter pass runs they already hold the new filter's verdicts on the rows
        // loaded after it was set.
        packets.filtered = true;
        packets.displayedBits.assign(size_t((packets.count + 63) / 64), 0);
        for (int r = 0; r < m_packetModel->rowCount(); ++r)
            putBit(packets.displayedBits, uint64_t(m_packetModel->storeRow(r)), true);
    }
    ExportDialog dialog(purpose, packets, this);
    if (purpose == ExportDialog::Purpose::ExportDissections)
        dialog.setFormat(SessionExporter::Format::Text);
    const QFileInfo source(m_store->filePath());
    dialog.setTargetPath(QDir::home().filePath(source.completeBaseName() + QLatin1Char('.') +
                                               SessionExporter::suffix(dialog.format())));
    if (dialog.exec() != QDialog::Accepted)
        return;
    const QString target = dialog.targetPath();
    if (!confirmReplace(target, dialog.windowTitle()))
        return;
    const SessionExporter::Options options = dialog.options();
    if (exportPackets(target, options) && purpose == ExportDialog::Purpose::SaveAs &&
        dialog.choice() == ExportDialog::Choice::All && !dialog.displayedOnly())
        m_pendingSave = {m_store->filePath(), m_store->count()};
}

bool MainWindow::confirmReplace(const QString &target, const QString &title)
{
    return !QFileInfo::exists(target) ||
           QMessageBox::question(this, title, tr("%1 already exists. Replace it?").arg(target)) ==
               QMessageBox::Yes;
}

bool MainWindow::exportPackets(const QString &target, const SessionExporter::Options &options)
{
    if (m_store->filePath().isEmpty() || m_exporter->isRunning())
        return false;
    SessionExporter::Options o = options;
    o.comments = m_store->editedComments();
    // What the packet list shows (the exporter knows only this dissection preference).
    o.tcpRelativeSequenceNumbers = m_store->activePreferences().tcpRelativeSequenceNumbers;
    if (!m_exporter->start(m_store->filePath(), target, o))
        return false;
    for (QAction *a :
         {m_ui->actionSaveAs, m_ui->actionExportPackets, m_ui->actionExportDissections})
        a->setEnabled(false);
    statusBar()->showMessage(tr("Writing %1…").arg(QDir::toNativeSeparators(target)));
    return true;
}

void MainWindow::connectSpool()
{
    // A full disk pauses the capture; what was captured stays, and the user resumes.
    connect(m_capture, &CaptureController::spoolFailed, this, [this](const QString &message) {
        m_statusFile->setText(tr("Capture paused: %1").arg(message));
        auto *box = new QMessageBox(QMessageBox::Warning, tr("Capture Paused"), message,
                                    QMessageBox::NoButton, this);
        box->setInformativeText(tr("Nothing captured so far is lost. Free some space, then "
                                   "resume; or stop the capture here."));
        QPushButton *resume = box->addButton(tr("Resume"), QMessageBox::AcceptRole);
        box->addButton(tr("Stop Capture"), QMessageBox::RejectRole);
        box->setAttribute(Qt::WA_DeleteOnClose);
        connect(box, &QMessageBox::buttonClicked, this, [this, resume](QAbstractButton *b) {
            if (b != resume) {
                m_capture->stop();
                return;
            }
            // Still full: the controller stays paused and says so itself (a new banner); any
            // other reason comes here.
            bool reported = false;
            const QMetaObject::Connection c = connect(m_capture, &CaptureController::spoolFailed,
                                                      this, [&reported] { reported = true; });
            const bool resumed = m_capture->resume();
            disconnect(c);
            if (!resumed && !reported)
                QMessageBox::warning(
                    this, tr("Capture Paused"),
                    tr("The capture cannot resume: %1").arg(m_capture->errorString()));
        });
        box->open();
        updateCaptureActions();
    });
    connect(m_capture, &CaptureController::resumed, this, [this] {
        m_statusFile->setText(tr("Capturing (resumed) into %1")
                                  .arg(QDir::toNativeSeparators(m_capture->spoolPath())));
        updateCaptureActions();
    });
    connect(m_capture, &CaptureController::limitReached, this,
            [this](CaptureController::Limit, const QString &message) {
                statusBar()->showMessage(message, 10000);
            });
    // A ring buffer goes on in a new file: the list follows it.
    connect(m_capture, &CaptureController::spoolRotated, this,
            [this](const QString &path) { m_store->follow(path); });
    connect(m_capture, &CaptureController::ringFileDropped, this,
            [this](const QString &, quint64 packets, quint64 total) {
                statusBar()->showMessage(
                    tr("Ring buffer: the oldest file's %1 packets were dropped, as set (%2 in "
                       "all)")
                        .arg(packets)
                        .arg(total),
                    10000);
            });
}

void MainWindow::releaseSpool(bool deleteFile)
{
    if (m_capture->ownsSpool())
        m_capture->release(deleteFile);
    if (m_recovered.owns())
        m_recovered.release(deleteFile);
}

bool MainWindow::maybeSaveSession(const QString &why)
{
    if (!hasUnsavedPackets()) {
        // Saved, empty, or a file of the user's: a spool has nothing left to keep.
        releaseSpool(true);
        return true;
    }
    const bool capturing = m_capture->isCapturing() || m_capture->isPaused();
    QMessageBox box(QMessageBox::Warning, tr("Unsaved Packets"),
                    capturing ? tr("Do you want to stop the capture and save the captured "
                                   "packets %1?")
                                    .arg(why)
                              : tr("Do you want to save the captured packets %1?").arg(why),
                    QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, this);
    box.setInformativeText(tr("Your captured packets will be lost if you don't save them."));
    box.setDefaultButton(QMessageBox::Save);
    const int answer = box.exec();
    if (answer == QMessageBox::Cancel)
        return false;
    // Either way the capture ends first, so that a save holds every packet captured.
    endCapture();
    if (answer == QMessageBox::Discard) {
        releaseSpool(true);
        return true;
    }
    ExportDialog::Packets packets;
    packets.count = std::max<quint64>(quint64(m_store->count()), m_capture->captured());
    packets.markBits = m_packetModel->markBits();
    ExportDialog dialog(ExportDialog::Purpose::SaveAs, packets, this);
    dialog.setTargetPath(QDir::home().filePath(QStringLiteral("capture.pcapng")));
    do {
        if (dialog.exec() != QDialog::Accepted)
            return false;
    } while (!confirmReplace(dialog.targetPath(), dialog.windowTitle()));
    SessionExporter::Options options = dialog.options();
    if (dialog.choice() == ExportDialog::Choice::All)
        options.range = PacketRange::fromSpans({PacketRange::Span{}}); // all the spool holds
    options.comments = m_store->editedComments();
    const SessionExporter::Result r = exportAndWait(dialog.targetPath(), options);
    if (!r.ok) {
        QMessageBox::warning(
            this, tr("Save Failed"),
            r.cancelled ? tr("The save was cancelled; the packets are still "
                             "here.")
                        : tr("The packets were not saved and are still here.\n%1").arg(r.error));
        return false;
    }
    if (r.sourceDamaged) {
        // The packets before the damage are saved; the spool stays for a closer look.
        QMessageBox::warning(
            this, tr("Save"),
            tr("The capture's spool file is damaged; the %1 packets before the "
               "damage were saved. The spool file stays in %2.\n%3")
                .arg(r.packets)
                .arg(QDir::toNativeSeparators(m_store->filePath()), r.sourceError));
        releaseSpool(false);
        return true;
    }
    // A ring buffer's older files were not in the list, so they are not in the save: keep them.
    const bool olderRingFiles = m_capture->spoolPaths().size() > 1;
    if (olderRingFiles)
        QMessageBox::information(this, tr("Save"),
                                 tr("The newest ring buffer file was saved; the older ones stay "
                                    "in %1 and are offered for recovery.")
                                     .arg(QDir::toNativeSeparators(m_spoolDirectory)));
    releaseSpool(!olderRingFiles);
    return true;
}

SessionExporter::Result MainWindow::exportAndWait(const QString &target,
                                                  const SessionExporter::Options &options)
{
    // A worker writes while a modal progress dialog keeps the window alive and can cancel.
    SessionExporter exporter;
    QProgressDialog progress(tr("Saving %1…").arg(QDir::toNativeSeparators(target)), tr("Cancel"),
                             0, 1000, this);
    progress.setWindowModality(Qt::WindowModal);
    progress.setMinimumDuration(300);
    connect(&exporter, &SessionExporter::progress, &progress,
            [&progress](qint64 d, qint64 t) { progress.setValue(t > 0 ? int(d * 1000 / t) : 0); });
    connect(&progress, &QProgressDialog::canceled, &exporter, &SessionExporter::cancel);
    QEventLoop loop;
    connect(&exporter, &SessionExporter::finished, &loop, &QEventLoop::quit);
    if (!exporter.start(m_store->filePath(), target, options)) {
        SessionExporter::Result busy;
        busy.error = tr("an export is already running");
        return busy;
    }
    loop.exec();
    return exporter.result();
}

void MainWindow::offerRecovery()
{
    const QList<SpoolInfo> orphans = SpoolRecovery().orphans();
    if (orphans.isEmpty())
        return;
    const SpoolInfo &newest = orphans.constLast();
    QMessageBox box(QMessageBox::Question, tr("Recover Capture"),
                    tr("PacketLens found %n capture(s) left behind by a session that ended "
                       "unexpectedly.",
                       nullptr, int(orphans.size())),
                    QMessageBox::NoButton, this);
    box.setInformativeText(
        tr("The newest: %1 packets on %2, %3 to %4 (%5).")
            .arg(newest.packets)
            .arg(newest.interfaces.join(QStringLiteral(", ")),
                 QLocale().toString(newest.first.toLocalTime(), QLocale::ShortFormat),
                 QLocale().toString(newest.last.toLocalTime(), QLocale::ShortFormat),
                 QDir::toNativeSeparators(newest.path)));
    QPushButton *recover = box.addButton(tr("Recover"), QMessageBox::AcceptRole);
    QPushButton *discard = box.addButton(tr("Discard All"), QMessageBox::DestructiveRole);
    box.addButton(tr("Later"), QMessageBox::RejectRole);
    box.setDefaultButton(recover);
    box.exec();
    if (box.clickedButton() == discard) {
        for (const SpoolInfo &o : orphans)
            SpoolRecovery::discard(o.path);
    } else if (box.clickedButton() == recover) {
        QString error;
        if (!maybeSaveSession(tr("before recovering another capture")))
            return;
        if (!SpoolRecovery::adopt(newest.path, m_recovered, &error)) {
            QMessageBox::warning(this, tr("Recover Capture"), error);
            return;
        }
        openFile(m_recovered.path(), false, false);
    }
}

bool MainWindow::hasUnsavedPackets() const
{
    const qsizetype n = m_store->count();
    const bool capturing = m_capture->isCapturing() || m_capture->isPaused();
    if (n == 0 && !(capturing && m_capture->captured() > 0))
        return false;
    if (m_commentsDirty)
        return true;
    if (!m_store->filePath().startsWith(m_spoolDirectory + QLatin1Char('/')))
        return false; // a file of the user's, as it was
    // A capture (or a recovered one): unsaved unless a whole save covered what is there now.
    return capturing || m_saved.source != m_store->filePath() || m_saved.packets < n;
}

void MainWindow::connectViewActions()
{
    const std::pair<QAction *, QWidget *> panes[] = {
        {m_ui->actionShowPacketList, m_ui->packetList},
        {m_ui->actionShowPacketDetails, m_ui->detailTree},
        {m_ui->actionShowPacketBytes, m_ui->hexView},
    };
    for (const auto &[action, pane] : panes)
        connect(action, &QAction::toggled, pane, &QWidget::setVisible);

    connect(m_ui->actionZoomIn, &QAction::triggered, this, [this] { setZoom(m_zoom + 1); });
    connect(m_ui->actionZoomOut, &QAction::triggered, this, [this] { setZoom(m_zoom - 1); });
    connect(m_ui->actionNormalSize, &QAction::triggered, this, [this] { setZoom(0); });

    // One checkable action per column, in View > Packet List Columns and the header's menu.
    QHeaderView *header = m_ui->packetList->horizontalHeader();
    for (int c = 0; c < m_packetModel->columnCount(); ++c) {
        QAction *a =
            m_ui->menuColumns->addAction(m_packetModel->headerData(c, Qt::Horizontal).toString());
        a->setCheckable(true);
        a->setChecked(true);
        connect(a, &QAction::toggled, this, [header, c](bool on) {
            // The last visible column stays: a list without columns cannot be brought back.
            if (on || header->count() - header->hiddenSectionCount() > 1)
                header->setSectionHidden(c, !on);
        });
        connect(a, &QAction::toggled, this, &MainWindow::syncColumnActions, Qt::QueuedConnection);
    }
    header->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(header, &QWidget::customContextMenuRequested, this, [this, header](const QPoint &pos) {
        m_ui->menuColumns->exec(header->mapToGlobal(pos));
    });
    connect(m_ui->actionResizeColumns, &QAction::triggered, this, [this] {
        // Sized to the rows in view (Qt looks at those), the Info column keeps the rest.
        for (int c = 0; c < m_packetModel->columnCount() - 1; ++c)
            m_ui->packetList->resizeColumnToContents(c);
    });

    connect(m_ui->actionNextPacket, &QAction::triggered, this, [this] { stepPacket(1); });
    connect(m_ui->actionPreviousPacket, &QAction::triggered, this, [this] { stepPacket(-1); });
    connect(m_ui->actionCopySummary, &QAction::triggered, this,
            [this] { QGuiApplication::clipboard()->setText(copyText(CopyWhat::PacketSummary)); });
}

void MainWindow::syncColumnActions()
{
    const QList<QAction *> actions = m_ui->menuColumns->actions();
    QHeaderView *header = m_ui->packetList->horizontalHeader();
    for (int c = 0; c < actions.size(); ++c) {
        const QSignalBlocker block(actions[c]);
        actions[c]->setChecked(!header->isSectionHidden(c));
    }
}

void MainWindow::setZoom(int steps)
{
    // Wireshark's View > Zoom: one point a step for the list, the tree and the bytes.
    m_zoom = std::clamp(steps, kMinZoom, kMaxZoom);
    auto zoomed = [this](QFont font) {
        font.setPointSizeF(std::max(4.0, font.pointSizeF() + m_zoom));
        return font;
    };
    m_ui->packetList->setFont(zoomed(m_listFont));
    m_ui->detailTree->setFont(zoomed(m_listFont));
    m_ui->hexView->setFont(zoomed(m_hexFont));
    m_ui->packetList->verticalHeader()->setDefaultSectionSize(
        m_ui->packetList->fontMetrics().height() + 4);
    m_ui->actionZoomIn->setEnabled(m_zoom < kMaxZoom);
    m_ui->actionZoomOut->setEnabled(m_zoom > kMinZoom);
}

void MainWindow::connectSortingAndMarks()
{
    // Header clicks sort (a worker computes the order; the window stays usable), a third
    // click goes back to capture order.
    QHeaderView *header = m_ui->packetList->horizontalHeader();
    header->setSortIndicator(-1, Qt::AscendingOrder);
    header->setSortIndicatorClearable(true);
    m_ui->packetList->setSortingEnabled(true);
    connect(m_packetModel, &PacketListModel::sortOrderChanged, header,
            [header](int column, Qt::SortOrder order) {
                const QSignalBlocker block(header);
                header->setSortIndicator(column, order);
            });
    // A temporary message hides the file name while it shows, and gives it back.
    connect(m_packetModel, &PacketListModel::sortingStarted, this,
            [this] { statusBar()->showMessage(tr("Sorting…")); });
    connect(m_packetModel, &PacketListModel::sortingFinished, this, [this] {
        statusBar()->clearMessage();
        const QModelIndex current = m_ui->packetList->currentIndex();
        if (current.isValid())
            m_ui->packetList->scrollTo(current);
    });
    connect(m_ui->actionCaptureOrder, &QAction::triggered, m_packetModel,
            &PacketListModel::resetSortOrder);

    connect(m_ui->actionMarkPacket, &QAction::triggered, this, [this] {
        const int row = m_ui->packetList->currentIndex().row();
        if (row >= 0)
            m_packetModel->toggleMark(row);
    });
    connect(m_ui->actionUnmarkAll, &QAction::triggered, m_packetModel,
            &PacketListModel::clearMarks);
    auto jumpToMark = [this](bool forward) {
        const int row = m_packetModel->nextMarked(m_ui->packetList->currentIndex().row(), forward);
        if (row >= 0)
            m_ui->packetList->selectRow(row);
    };
    connect(m_ui->actionNextMark, &QAction::triggered, this, [jumpToMark] { jumpToMark(true); });
    connect(m_ui->actionPreviousMark, &QAction::triggered, this,
            [jumpToMark] { jumpToMark(false); });
    connect(m_packetModel, &PacketListModel::marksChanged, this, &MainWindow::updateMarkActions);

    // Packet comments, as Wireshark's Edit > Packet Comments: shown in the tree, kept by an
    // export to pcapng.
    connect(m_ui->actionAddComment, &QAction::triggered, this, [this] {
        const qsizetype row = m_packetModel->storeRow(m_ui->packetList->currentIndex().row());
        if (row < 0)
            return;
        bool ok = false;
        const QString comment = QInputDialog::getMultiLineText(
            this, tr("Packet Comment"), tr("Comment on packet %1:").arg(row + 1), QString(), &ok);
        if (ok && !comment.trimmed().isEmpty())
            m_store->setComments(row, m_store->comments(row) << comment);
    });
    connect(m_ui->actionDeleteComments, &QAction::triggered, this, [this] {
        const qsizetype row = m_packetModel->storeRow(m_ui->packetList->currentIndex().row());
        if (row >= 0)
            m_store->setComments(row, {});
    });
    connect(m_store, &PacketStore::commentsChanged, this, [this](qsizetype row) {
        m_commentsDirty = true; // the edit is not in any file of the user's yet
        if (m_packetModel->storeRow(m_ui->packetList->currentIndex().row()) == row)
            showPacket(m_ui->packetList->currentIndex().row());
    });
    updateMarkActions();
}

void MainWindow::updateMarkActions()
{
    const bool any = m_packetModel->markedCount() > 0;
    m_ui->actionNextMark->setEnabled(any);
    m_ui->actionPreviousMark->setEnabled(any);
    m_ui->actionUnmarkAll->setEnabled(any);
    updateStatus();
}

void MainWindow::stepPacket(int delta)
{
    const int rows = m_packetModel->rowCount();
    if (rows == 0)
        return;
    const int current = m_ui->packetList->currentIndex().row();
    m_ui->packetList->selectRow(current < 0 ? 0 : std::clamp(current + delta, 0, rows - 1));
}

bool MainWindow::openFile(const QString &path, bool quiet, bool askToSave)
{
    if (askToSave && !maybeSaveSession(tr("before opening another file")))
        return false;
    endCapture();
    m_treeModel->clear();
    m_ui->hexView->setData({});
    if (!m_store->open(path)) {
        const QString message = m_store->errorString();
        m_statusFile->setText(message);
        if (!quiet)
            QMessageBox::warning(this, tr("Cannot Open Capture File"), message);
        setWindowTitle(tr("PacketLens"));
        updateStatus();
        return false;
    }
    const QString name = QFileInfo(path).fileName();
    setWindowTitle(tr("%1 — PacketLens").arg(name));
    m_captureMs = -1;
    m_saved = {};
    m_commentsDirty = false;
    m_ui->pages->setCurrentWidget(m_ui->packetsPage);
    addRecentFile(path);
    m_statusFile->setText(QDir::toNativeSeparators(path));
    m_progress->setVisible(true);
    m_cancel->setVisible(true);
    updateStatus();
    return true;
}

void MainWindow::onPacketsAppended()
{
    if (m_capture->isCapturing()) {
        // Follow the newest packet, unless the user scrolled up or picked a packet.
        if (m_autoScroll)
            m_ui->packetList->scrollToBottom();
    } else if (!m_ui->packetList->currentIndex().isValid() && m_packetModel->rowCount() > 0) {
        // Show the first packet of a file as soon as there is one, like Wireshark.
        m_ui->packetList->selectRow(0);
    }
    updateStatus();
}

void MainWindow::onLoadingFinished()
{
    m_progress->setVisible(false);
    m_cancel->setVisible(false);
    if (m_store->damaged()) {
        // A damaged file opens up to the damage; say where it stopped, without a modal wait.
        const QString message =
            tr("The file is damaged; the packets before the damage were loaded.\n%1")
                .arg(m_store->errorString());
        m_statusFile->setText(m_store->errorString());
        auto *box = new QMessageBox(QMessageBox::Warning, tr("Damaged Capture File"), message,
                                    QMessageBox::Ok, this);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
    }
    updateStatus();
}

void MainWindow::updateStatus()
{
    if (m_store->filePath().isEmpty() && !m_capture->isCapturing()) {
        m_statusCounts->setText(tr("No Packets")); // Wireshark's words with nothing open
        return;
    }
    const qsizetype n = m_store->count();
    const qsizetype shown = m_packetModel->displayedCount();
    // Wireshark's form: "Packets: 1000 · Displayed: 45 (4.5%)".
    QString text =
        tr("Packets: %1 · Displayed: %2 (%3%) · Dropped: %4")
            .arg(n)
            .arg(shown)
            .arg(QString::number(n > 0 ? 100.0 * double(shown) / double(n) : 0.0, 'f', 1))
            .arg(m_capture->dropped());
    if (const qsizetype marked = m_packetModel->markedCount())
        text += tr(" · Marked: %1").arg(marked);
    const qint64 ms = m_captureClock.isValid() ? m_captureClock.elapsed() : m_captureMs;
    if (ms >= 0) {
        // The capture's duration, still running or final, like Wireshark's status bar.
        const qint64 s = ms / 1000;
        text += tr(" · %1:%2:%3")
                    .arg(s / 3600, 2, 10, QLatin1Char('0'))
                    .arg(s / 60 % 60, 2, 10, QLatin1Char('0'))
                    .arg(s % 60, 2, 10, QLatin1Char('0'));
    }
    m_statusCounts->setText(text);
}

QString MainWindow::copyText(CopyWhat what) const
{
    if (what == CopyWhat::PacketSummary) {
        const int row = m_ui->packetList->currentIndex().row();
        if (row < 0)
            return {};
        QStringList columns;
        for (int c = 0; c < m_packetModel->columnCount(); ++c)
            columns << m_packetModel->index(row, c).data().toString();
        return columns.join(QLatin1Char('\t'));
    }
    const QModelIndex item = m_ui->detailTree->currentIndex();
    if (!item.isValid())
        return {};
    switch (what) {
    case CopyWhat::ItemValue:
        return item.data(ProtoTreeModel::FieldValueRole).toString();
    case CopyWhat::ItemFilter:
        return m_treeModel->filterExpression(item);
    default:
        return item.data().toString();
    }
}

void MainWindow::setUpContextMenus()
{
    auto copyAction = [this](QMenu *menu, const QString &text, CopyWhat what) {
        QAction *a = menu->addAction(text);
        connect(a, &QAction::triggered, this,
                [this, what] { QGuiApplication::clipboard()->setText(copyText(what)); });
        return a;
    };
    m_ui->packetList->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_ui->packetList, &QWidget::customContextMenuRequested, this,
            [this, copyAction](const QPoint &pos) {
                const QModelIndex clicked = m_ui->packetList->indexAt(pos);
                if (!clicked.isValid())
                    return;
                m_ui->packetList->setCurrentIndex(clicked); // what the menu acts on
                QMenu menu(this);
                menu.addAction(m_ui->actionMarkPacket);
                menu.addAction(m_ui->actionAddComment);
                menu.addSeparator();
                copyAction(&menu, tr("Copy Summary"), CopyWhat::PacketSummary);
                menu.addSeparator();
                m_follow->addTo(&menu);
                menu.exec(m_ui->packetList->viewport()->mapToGlobal(pos));
            });
    m_ui->detailTree->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_ui->detailTree, &QWidget::customContextMenuRequested, this,
            [this](const QPoint &pos) {
                const QModelIndex item = m_ui->detailTree->indexAt(pos);
                if (!item.isValid())
                    return;
                const std::unique_ptr<QMenu> menu(createTreeContextMenu(item));
                menu->exec(m_ui->detailTree->viewport()->mapToGlobal(pos));
            });
}

QMenu *MainWindow::createTreeContextMenu(const QModelIndex &item)
{
    auto *menu = new QMenu(this);
    auto copyAction = [this, menu](const QString &text, CopyWhat what) {
        QAction *a = menu->addAction(text);
        connect(a, &QAction::triggered, this,
                [this, what] { QGuiApplication::clipboard()->setText(copyText(what)); });
        return a;
    };
    copyAction(tr("Copy Line"), CopyWhat::ItemLine);
    copyAction(tr("Copy Value"), CopyWhat::ItemValue)
        ->setEnabled(!item.data(ProtoTreeModel::FieldValueRole).toString().isEmpty());
    copyAction(tr("Copy as Filter"), CopyWhat::ItemFilter)
        ->setEnabled(!m_treeModel->filterExpression(item).isEmpty());
    menu->addSeparator();
    m_filters->addFilterMenus(menu, item);
    return menu;
}

QString MainWindow::treeItemFilter(const QModelIndex &item) const
{
    const int32_t node = m_treeModel->nodeOf(item);
    const FieldTree &tree = m_dissection.fieldTree();
    if (node <= 0 || size_t(node) >= tree.size() || !m_packet.frame.data)
        return {};
    return FilterBuilder::expression(Registry::instance(), tree, node, m_packet.frame.data);
}

void MainWindow::filterOnTreeItem(const QModelIndex &item, FilterBuilder::Combine how, bool apply)
{
    m_filters->filterOnTreeItem(item, how, apply);
}

DisplayFilterEdit *MainWindow::filterEdit() const
{
    return m_ui->displayFilter;
}

FindBar *MainWindow::findBar() const
{
    return m_filters->findBar();
}

GoToPacketBar *MainWindow::goToBar() const
{
    return m_filters->goToBar();
}

void MainWindow::connectFilter()
{
    FilterController::Parts parts;
    parts.store = m_store;
    parts.model = m_packetModel;
    parts.packetList = m_ui->packetList;
    parts.detailTree = m_ui->detailTree;
    parts.filterEdit = m_ui->displayFilter;
    parts.statusBar = statusBar();
    parts.barLayout = m_ui->packetsLayout;
    parts.barIndex = 1; // under the filter bar
    parts.focusFilter = m_ui->actionFocusFilter;
    parts.findPacket = m_ui->actionFindPacket;
    parts.goToPacket = m_ui->actionGoToPacket;
    parts.colorize = m_ui->actionColorize;
    parts.coloringRules = m_ui->actionColoringRules;
    parts.analyzeMenu = m_ui->menuAnalyze;
    parts.itemFilter = [this](const QModelIndex &item) { return treeItemFilter(item); };
    m_filters = new FilterController(parts, this);
    m_follow = new FollowController(
        m_store, this, m_ui->menuAnalyze,
        [this] {
            const QModelIndex current = m_ui->packetList->currentIndex();
            return current.isValid() ? m_packetModel->storeRow(current.row()) : qsizetype(-1);
        },
        [this](const QString &filter) { return m_filters->applyDisplayFilter(filter); }, this);
    connect(m_filters, &FilterController::displayFilterSet, this, [this](bool filtering) {
        if (filtering) {
            m_progress->setVisible(true);
            m_progress->setRange(0, 0); // busy until the first progress report
        }
        updateStatus();
    });
    connect(m_filters, &FilterController::listFiltered, this, [this](bool selected) {
        m_progress->setVisible(m_store->isLoading() || m_exporter->isRunning());
        if (!selected)
            showPacket(-1);
        updateStatus();
    });
    connect(m_store, &PacketStore::filterProgress, this, [this](qsizetype done, qsizetype total) {
        m_progress->setVisible(true);
        m_progress->setRange(0, 1000);
        m_progress->setValue(total > 0 ? int(done * 1000 / total) : 0);
    });
}

bool MainWindow::applyDisplayFilter(const QString &filter)
{
    return m_filters->applyDisplayFilter(filter);
}

bool MainWindow::goToPacket(quint64 number, QString *error)
{
    return m_filters->goToPacket(number, error);
}

void MainWindow::setColoringRules(const QList<ColoringRule> &rules)
{
    m_filters->setColoringRules(rules);
}

const QList<ColoringRule> &MainWindow::coloringRules() const
{
    return m_filters->coloringRules();
}

QString MainWindow::statusText() const
{
    return m_statusCounts->text();
}

bool MainWindow::startCapture(const ipc::Config &config, CaptureController::Launch launch)
{
    // The open file stays until the capture really starts.
    if (!m_capture->start(config, launch)) {
        m_statusFile->setText(m_capture->errorString());
        auto *box = new QMessageBox(QMessageBox::Warning, tr("Cannot Start Capture"),
                                    m_capture->errorString(), QMessageBox::Ok, this);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
        return false;
    }
    saveCaptureConfig(config);
    m_saved = {};
    m_commentsDirty = false;
    m_store->close();
    m_treeModel->clear();
    m_ui->hexView->setData({});
    m_ui->pages->setCurrentWidget(m_ui->packetsPage);
    updateCaptureActions();
    m_autoScroll = true;
    m_statusFile->setText(tr("Starting the capture helper…"));
    return true;
}

void MainWindow::stopCapture()
{
    // Returns at once: the last packets and the final counts arrive through the event loop.
    m_capture->stop();
}

void MainWindow::endCapture()
{
    m_capture->stopAndWait();
}

void MainWindow::restartCapture()
{
    if (!m_capture->isCapturing())
        return;
    // Like Wireshark: the running capture's packets are saved or discarded first.
    const ipc::Config config = m_capture->config();
    if (maybeSaveSession(tr("before restarting")))
        startCapture(config);
}

void MainWindow::showCaptureOptions()
{
    CaptureDialog dialog(this, m_ui->startPage->interfaceModel());
    dialog.setConfig(loadCaptureConfig());
    dialog.setLimits(m_capture->limits());
    if (dialog.exec() == QDialog::Accepted &&
        maybeSaveSession(tr("before starting a new capture"))) {
        m_capture->setLimits(dialog.limits());
        saveCaptureLimits(dialog.limits());
        startCapture(dialog.config());
    }
}

void MainWindow::updateCaptureActions()
{
    const bool capturing = m_capture->isCapturing();
    m_ui->actionStartCapture->setEnabled(!capturing);
    m_ui->actionCaptureOptions->setEnabled(!capturing);
    m_ui->actionStopCapture->setEnabled(capturing);
    m_ui->actionRestartCapture->setEnabled(capturing);
}

void MainWindow::onCaptureFailed(const QString &message, const QString &hint, bool permission)
{
    m_statusFile->setText(message);
    auto *box =
        new QMessageBox(QMessageBox::Warning, tr("Capture Failed"), message, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setInformativeText(hint);
    box->setTextInteractionFlags(Qt::TextSelectableByMouse); // the setcap command can be copied
    if (permission && !CaptureController::pkexecProgram().isEmpty()) {
        // The other way in: an administrator's password for this one capture.
        QPushButton *retry = box->addButton(tr("Retry with pkexec"), QMessageBox::AcceptRole);
        retry->setToolTip(tr("Run the capture helper once as root through pkexec; it drops "
                             "every privilege right after opening its sockets"));
        const ipc::Config config = m_capture->config();
        connect(retry, &QPushButton::clicked, this, [this, config] {
            // The failed session ends first; then the same capture through pkexec.
            QMetaObject::invokeMethod(
                this, [this, config] { startCapture(config, CaptureController::Launch::Pkexec); },
                Qt::QueuedConnection);
        });
    }
    box->open();
}

void MainWindow::showPacket(int row)
{
    if (row < 0 || row >= m_packetModel->rowCount() ||
        !m_store->dissect(m_packetModel->storeRow(row), m_dissection, m_packet)) {
        m_treeModel->clear();
        m_ui->hexView->setData({});
        return;
    }
    m_treeModel->setPacket(m_dissection);
    // The frame and any reassembled bytes, one tab each (the model holds copies).
    QList<HexView::Source> sources;
    for (int i = 0; i < m_treeModel->sourceCount(); ++i)
        sources.append({m_treeModel->sourceName(i), m_treeModel->sourceBytes(i)});
    m_ui->hexView->setSources(sources);
    restoreExpansion();
}

void MainWindow::rememberExpansion(const QModelIndex &index, bool expanded)
{
    const QString key = m_treeModel->pathKey(index);
    if (expanded)
        m_expanded.insert(key);
    else
        m_expanded.remove(key);
}

void MainWindow::restoreExpansion()
{
    // Branches stay open from packet to packet of the same shape, as in Wireshark.
    const QSet<QString> wanted = m_expanded;
    std::function<void(const QModelIndex &)> walk = [&](const QModelIndex &parent) {
        for (int r = 0; r < m_treeModel->rowCount(parent); ++r) {
            const QModelIndex i = m_treeModel->index(r, 0, parent);
            if (wanted.contains(m_treeModel->pathKey(i))) {
                m_ui->detailTree->expand(i);
                walk(i);
            }
        }
    };
    walk({});
    m_expanded = wanted;
}

void MainWindow::onTreeCurrentChanged(const QModelIndex &current)
{
    if (!current.isValid()) {
        m_ui->hexView->setHighlight(0, 0);
        return;
    }
    const int offset = current.data(ProtoTreeModel::OffsetRole).toInt();
    const int length = current.data(ProtoTreeModel::LengthRole).toInt();
    m_ui->hexView->setHighlight(current.data(ProtoTreeModel::SourceRole).toInt(), offset, length);
}

void MainWindow::onByteClicked(int offset)
{
    const QModelIndex index = m_treeModel->indexForOffset(m_ui->hexView->currentSource(), offset);
    if (!index.isValid())
        return;
    for (QModelIndex p = index.parent(); p.isValid(); p = p.parent())
        m_ui->detailTree->expand(p);
    m_ui->detailTree->setCurrentIndex(index);
    m_ui->detailTree->scrollTo(index);
}

void MainWindow::connectExpertInfo()
{
    // Wireshark's expert indicator: bottom left, the colour of the highest severity.
    m_expert = new ExpertCollector(this);
    m_expertButton = new QToolButton(this);
    m_expertButton->setAutoRaise(true);
    m_expertButton->setObjectName(QStringLiteral("expertIndicator"));
    statusBar()->insertWidget(0, m_expertButton);
    connect(m_expertButton, &QToolButton::clicked, this, &MainWindow::showExpertInfo);
    connect(m_ui->actionExpertInfo, &QAction::triggered, this, &MainWindow::showExpertInfo);
    connect(m_expert, &ExpertCollector::finished, this, &MainWindow::updateExpertIndicator);
    // A loaded file's notes are collected at once (a worker with its own reader), so the dot
    // tells what is there before anyone asks; a capture's when it stops.
    connect(m_store, &PacketStore::loadingFinished, this, [this] {
        if (m_store->count() > 0 && !m_store->cancelled())
            m_expert->start(m_store->filePath(), false, quint64(m_store->count()),
                            m_store->activePreferences());
        updateExpertIndicator();
    });
    connect(m_store, &PacketStore::aboutToClose, this, [this] {
        m_expert->reset();
        updateExpertIndicator();
    });
    updateExpertIndicator();
}

void MainWindow::updateExpertIndicator()
{
    const auto report = m_expert->report();
    const int highest = report ? report->highestSeverity() : 0;
    QPixmap dot(12, 12);
    dot.fill(Qt::transparent);
    {
        QPainter p(&dot);
        p.setRenderHint(QPainter::Antialiasing);
        const QColor color = highest > 0
                                 ? ExpertInfoModel::severityColor(Severity(highest))
                                 : palette().color(QPalette::Disabled, QPalette::WindowText);
        p.setPen(color.darker(150));
        p.setBrush(color);
        p.drawEllipse(QRectF(1, 1, 10, 10));
    }
    m_expertButton->setIcon(QIcon(dot));
    QString tip;
    if (m_expert->isRunning())
        tip = tr("Collecting expert information…");
    else if (!report)
        tip = tr("No expert information yet");
    else if (highest == 0)
        tip = tr("No expert notes");
    else
        tip = tr("Highest expert severity: %1").arg(severityText(Severity(highest)));
    m_expertButton->setToolTip(tip + tr("\nClick for Analyze > Expert Information"));
    m_expertButton->setProperty("severity", highest);
}

ExpertInfoDialog *MainWindow::showExpertInfo()
{
    if (!m_expertDialog) {
        m_expertDialog = new ExpertInfoDialog(m_expert, m_store, this);
        connect(m_expertDialog, &ExpertInfoDialog::packetActivated, this, [this](quint64 frame) {
            QString error;
            if (!goToPacket(frame, &error))
                statusBar()->showMessage(error, 5000);
        });
    }
    m_expertDialog->refresh();
    updateExpertIndicator();
    m_expertDialog->show();
    m_expertDialog->raise();
    m_expertDialog->activateWindow();
    return m_expertDialog;
}

void MainWindow::connectPreferences()
{
    m_store->setPreferences(PreferencesDialog::load()); // before any capture is dissected
    connect(m_ui->actionPreferences, &QAction::triggered, this, &MainWindow::showPreferences);
    // Re-dissection reopens the file: the packet selected before is selected again as soon as
    // its row is back (the display filter stays with the store).
    connect(m_store, &PacketStore::packetsAppended, this, [this](qsizetype, qsizetype last) {
        if (m_reselectFrame == 0 || m_reselectFrame > quint64(last) + 1)
            return;
        const quint64 frame = std::exchange(m_reselectFrame, 0);
        goToPacket(frame);
    });
    connect(m_store, &PacketStore::aboutToClose, this, [this] { m_reselectFrame = 0; });
}

PreferencesDialog *MainWindow::showPreferences()
{
    if (!m_preferencesDialog) {
        m_preferencesDialog = new PreferencesDialog(m_store->preferences(), this);
        connect(m_preferencesDialog, &PreferencesDialog::applied, this,
                &MainWindow::applyPreferences);
    } else if (!m_preferencesDialog->isVisible()) {
        m_preferencesDialog->setPreferences(m_store->preferences());
    }
    m_preferencesDialog->show();
    m_preferencesDialog->raise();
    m_preferencesDialog->activateWindow();
    return m_preferencesDialog;
}

bool MainWindow::applyPreferences(const Preferences &prefs)
{
    const QModelIndex current = m_ui->packetList->currentIndex();
    const qsizetype row = current.isValid() ? m_packetModel->storeRow(current.row()) : -1;
    if (!m_store->setPreferences(prefs)) {
        statusBar()->showMessage(tr("The preferences apply from the next capture: a live "
                                    "capture cannot be dissected again while it runs."),
                                 10000);
        return false;
    }
    if (row >= 0 && m_store->count() == 0) // re-dissecting: select it again once it is back
        m_reselectFrame = quint64(row) + 1;
    return true;
}

} // namespace pl
