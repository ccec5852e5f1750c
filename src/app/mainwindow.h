#pragma once

#include "analysis/packetstore.h"
#include "analysis/sessionexporter.h"
#include "app/capturecontroller.h"
#include "app/coloringrules.h"
#include "app/exportdialog.h"
#include "app/filterbuilder.h"
#include "app/spoolrecovery.h"
#include "capfile/capturefilereader.h"
#include "dissect/dissection.h"
#include "ipc/messages.h"

#include <QElapsedTimer>
#include <QFont>
#include <QMainWindow>
#include <QSet>
#include <QTimer>
#include <memory>

class QLabel;
class QMenu;
class QProgressBar;
class QTableView;
class QToolButton;
class QTreeView;

namespace Ui {
class MainWindow;
}

namespace pl {

class DisplayFilterEdit;
class ExpertCollector;
class ExpertInfoDialog;
class FilterController;
class FollowController;
class FindBar;
class GoToPacketBar;
class HexView;
class PacketListModel;
class PreferencesDialog;
class ProtoTreeModel;

/// The application window: the display filter bar, packet list on top, the selected packet's
/// detail tree, its bytes; clicking a tree item highlights its bytes and clicking a byte
/// selects its field. Find (Ctrl+F) and Go to Packet (Ctrl+G) bars show under the filter bar.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    /// Opens a capture file (the first rows show while the rest loads); false with a message
    /// in the status bar (and a dialog unless `quiet`) when it cannot be opened.
    /// With unsaved packets open, asks first (maybeSaveSession) unless `askToSave` is false.
    bool openFile(const QString &path, bool quiet = false, bool askToSave = true);
    /// Starts a live capture through the helper; its packets are spooled to a pcapng file
    /// under the cache directory that the packet list follows. false with a message when
    /// it cannot start (errors the helper reports later arrive as a dialog).
    bool startCapture(const ipc::Config &config,
                      CaptureController::Launch launch = CaptureController::Launch::Direct);
    /// Capture > Stop: asks the helper to stop; finished() follows without blocking the window.
    void stopCapture();
    /// File > Close: stops a capture, forgets the packets shown (a capture's spool file stays)
    /// and shows the start page again.
    void closeCapture();
    /// The start page (interfaces, recent files) is shown rather than the packet panes.
    bool showsStartPage() const;
    /// Stops the running capture (its packets stay in their spool file) and starts a new one
    /// with the same options once the helper is gone.
    void restartCapture();
    /// View > Zoom: font size steps from the normal size (0), for the list, tree and bytes.
    int zoom() const { return m_zoom; }
    void setZoom(int steps);
    static constexpr int kMinZoom = -4, kMaxZoom = 12;
    CaptureController *captureController() const { return m_capture; }
    /// While capturing, the list follows the newest packet; scrolling up or picking a packet
    /// pauses that, scrolling back to the bottom resumes it.
    bool autoScroll() const { return m_autoScroll; }

    /// What the context menus copy: the selected packet's summary line, or the current tree
    /// item's line, value, or a display filter for it.
    enum class CopyWhat { PacketSummary, ItemLine, ItemValue, ItemFilter };
    QString copyText(CopyWhat what) const;

    /// File > Save As / Export Specified Packets / Export Packet Dissections with these choices,
    /// without the dialog: the export runs in a worker; exportFinished() follows. false when
    /// nothing is open or an export is running.
    bool exportPackets(const QString &target, const SessionExporter::Options &options);
    SessionExporter *exporter() const { return m_exporter; }
    /// A capture's packets (or comments the user edited) not yet saved to a file of the user's.
    bool hasUnsavedPackets() const;
    /// Before the packets go (closing, opening another file, a new capture): with unsaved
    /// packets, asks Save / Discard / Cancel. true: go ahead (saved, or discarded and the spool
    /// deleted); false: the user cancelled or saving failed, nothing changes.
    bool maybeSaveSession(const QString &why);
    /// Spool files a crashed session left behind: offers to recover them (at start-up).
    void offerRecovery();

    /// Files opened lately, newest first (kept in QSettings).
    QStringList recentFiles() const;

    // --- Display filter, find, go to, coloring ---

    /// Applies a display filter (what Enter in the filter bar does): the store filters every
    /// packet in the background; then the list shows the displayed ones and the selection
    /// stays on the same packet when it is still displayed (else the nearest displayed one).
    /// false when `filter` does not compile (nothing changes).
    bool applyDisplayFilter(const QString &filter);
    DisplayFilterEdit *filterEdit() const;
    FindBar *findBar() const;
    GoToPacketBar *goToBar() const;
    /// Go > Go to Packet: selects frame `number` (1-based). false with `*error` when the
    /// capture has no such packet or the display filter hides it.
    bool goToPacket(quint64 number, QString *error = nullptr);
    /// The detail tree's context menu for `item` (the caller owns it): copies, and Apply as
    /// Filter / Prepare as Filter with Selected, Not Selected, …and / …or (not) Selected.
    QMenu *createTreeContextMenu(const QModelIndex &item);
    /// The display filter for tree item `item` of the packet shown (FilterBuilder), empty for
    /// a text item.
    QString treeItemFilter(const QModelIndex &item) const;
    /// Apply as Filter (`apply`) or Prepare as Filter on `item`.
    void filterOnTreeItem(const QModelIndex &item, FilterBuilder::Combine how, bool apply);
    /// Uses `rules` for the packet list now (View > Coloring Rules… does this after saving).
    void setColoringRules(const QList<ColoringRule> &rules);
    const QList<ColoringRule> &coloringRules() const;
    /// The status bar's counts: `Packets: N · Displayed: M (x.y%) …`.
    QString statusText() const;

    /// Analyze > Expert Information: shows the dialog (made on first use), collecting the
    /// notes when the collector has none of this capture yet.
    ExpertInfoDialog *showExpertInfo();
    /// The notes of the capture, collected in the background once a file has loaded.
    ExpertCollector *expertCollector() const { return m_expert; }
    /// The status bar's expert indicator: a dot in the colour of the highest severity.
    QToolButton *expertIndicator() const { return m_expertButton; }

    /// Edit > Preferences: shows the dialog (made on first use) with the preferences in use.
    PreferencesDialog *showPreferences();
    /// Dissects with `prefs` from now on (the dialog's OK/Apply; saved preferences at start-up):
    /// the open capture is dissected again from its first packet, keeping the display filter
    /// and selecting the packet that was selected once it is loaded again. false, with a
    /// status bar message, while a live capture runs: they apply from the next capture.
    bool applyPreferences(const Preferences &prefs);

    PacketStore *store() const { return m_store; }
    PacketListModel *packetModel() const { return m_packetModel; }
    ProtoTreeModel *treeModel() const { return m_treeModel; }
    QTableView *packetList() const;
    QTreeView *detailTree() const;
    HexView *hexView() const;

protected:
    void closeEvent(QCloseEvent *event) override;
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    /// Stops a capture and waits for the helper: before the window or its packets go.
    void endCapture();
    void connectStartPage();
    void connectExport();
    void showExportDialog(ExportDialog::Purpose purpose);
    /// Asks before a save replaces an existing file; true: go ahead.
    bool confirmReplace(const QString &target, const QString &title);
    /// Exports in a worker behind a modal progress dialog (with Cancel) and returns the result.
    SessionExporter::Result exportAndWait(const QString &target,
                                          const SessionExporter::Options &options);
    void connectSpool();
    void releaseSpool(bool deleteFile);
    void connectActions();
    void connectViewActions();
    void syncColumnActions();
    void stepPacket(int delta);
    void connectSortingAndMarks();
    void updateMarkActions();
    void showCaptureOptions();
    void updateCaptureActions();
    void onCaptureFailed(const QString &message, const QString &hint, bool permission);
    void setUpContextMenus();
    void restoreSettings();
    void addRecentFile(const QString &path);
    void rebuildRecentMenu();
    void showPacket(int row);
    void onTreeCurrentChanged(const QModelIndex &current);
    void onByteClicked(int offset);
    void onPacketsAppended();
    void onLoadingFinished();
    void updateStatus();
    void restoreExpansion();
    /// Creates the FilterController (filter, find and go-to bars, coloring) and follows it.
    void connectFilter();
    /// The expert collector, the status bar's indicator and Analyze > Expert Information.
    void connectExpertInfo();
    /// Loads the saved preferences, Edit > Preferences, the selection kept over a re-dissection.
    void connectPreferences();
    void updateExpertIndicator();
    void rememberExpansion(const QModelIndex &index, bool expanded);

    std::unique_ptr<Ui::MainWindow> m_ui;
    PacketStore *m_store;
    PacketListModel *m_packetModel;
    ProtoTreeModel *m_treeModel;
    CaptureController *m_capture;
    Dissection m_dissection{Dissection::Mode::Tree};
    CapturedPacket m_packet;
    QLabel *m_statusCounts;
    QLabel *m_statusFile;
    QProgressBar *m_progress;
    QToolButton *m_cancel;
    QSet<QString> m_expanded;     ///< tree branches the user opened, kept across packets
    bool m_autoScroll = true;     ///< while capturing: keep the newest packet in view
    QElapsedTimer m_captureClock; ///< runs while capturing
    qint64 m_captureMs = -1;      ///< the last capture's duration (-1: none)
    QTimer m_durationTimer;       ///< ticks the duration in the status bar
    int m_zoom = 0;
    SessionExporter *m_exporter;
    /// A whole save of a session: its source file and how many packets it held.
    struct Saved
    {
        QString source;
        qsizetype packets = -1;
    };
    Saved m_saved;                ///< what the last whole save of this session covered
    Saved m_pendingSave;          ///< the whole save running now
    bool m_commentsDirty = false; ///< comments edited since the last whole save
    QString m_spoolDirectory;     ///< where captures spool (a capture's file is in there)
    SpoolOwner m_recovered;       ///< a crashed session's spool the user recovered
    QFont m_listFont, m_hexFont;  ///< the unzoomed fonts
    FilterController *m_filters = nullptr;
    FollowController *m_follow = nullptr;
    ExpertCollector *m_expert = nullptr;
    ExpertInfoDialog *m_expertDialog = nullptr;
    QToolButton *m_expertButton = nullptr;
    PreferencesDialog *m_preferencesDialog = nullptr;
    quint64 m_reselectFrame = 0; ///< selected again once re-dissected (0: none)
};

} // namespace pl
