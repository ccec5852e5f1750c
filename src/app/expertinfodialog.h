#pragma once

#include <QDialog>

class QCheckBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTreeView;

namespace pl {

class ExpertCollector;
class ExpertInfoModel;
class PacketStore;

/// Analyze > Expert Information, as in Wireshark: the expert notes of every packet of the
/// capture, grouped by severity and summary with counts, expandable to the packets. The notes
/// come from an ExpertCollector's pass over the file (a worker thread, with progress and
/// Cancel); "Limit to Display Filter" keeps the packets the packet list displays; the search
/// box keeps matching summaries. Double-clicking a packet asks for it in the packet list
/// (packetActivated()).
class ExpertInfoDialog : public QDialog
{
    Q_OBJECT
public:
    /// `collector` and `store` outlive the dialog (the main window owns them).
    ExpertInfoDialog(ExpertCollector *collector, PacketStore *store, QWidget *parent = nullptr);

    /// Collects again when the collector holds no report of the store's file, or one of fewer
    /// packets than the store has now; otherwise shows the report it holds.
    void refresh();

    ExpertInfoModel *model() const { return m_model; }
    QTreeView *view() const { return m_view; }
    QCheckBox *limitToDisplayFilter() const { return m_limit; }
    QLineEdit *searchEdit() const { return m_search; }
    /// The line under the tree: notes shown, or the collection's progress.
    QString statusText() const;

signals:
    /// The user double-clicked the packet row of frame `frame` (1-based).
    void packetActivated(quint64 frame);

private:
    void showReport();
    void applyLimit();

    ExpertCollector *m_collector;
    PacketStore *m_store;
    ExpertInfoModel *m_model;
    QTreeView *m_view;
    QCheckBox *m_limit;
    QLineEdit *m_search;
    QLabel *m_status;
    QProgressBar *m_progress;
    QPushButton *m_cancel;
};

} // namespace pl
