#pragma once

#include "ipc/messages.h"

#include <QWidget>

class QAbstractButton;
class QLabel;
class QListView;
class QModelIndex;
class QTableView;

namespace pl {

class CaptureFilterEdit;
class InterfaceListModel;
class InterfaceTable;
class RecentFilesModel;

/// What the window shows when no capture is open, as Wireshark's welcome page: recent files
/// and an Open… button above; below, a capture filter that is checked as one types and the
/// interfaces with their addresses and a live packets/s sparkline. Double-clicking an
/// interface (or Start / Enter on the selected ones) asks for a capture; the page itself never
/// starts one.
class StartPage : public QWidget
{
    Q_OBJECT
public:
    /// Uses `model` when given (shared with a capture dialog, say), else its own over the
    /// real interfaces. The model is not live until setLive(true).
    explicit StartPage(QWidget *parent = nullptr, InterfaceListModel *model = nullptr);

    InterfaceListModel *interfaceModel() const { return m_model; }

    QString filter() const;
    void setFilter(const QString &filter);

    /// Refreshes interfaces and rates every second while on; turn off while the page is hidden.
    void setLive(bool live);
    bool isLive() const;

    /// Most recent first. Files that no longer exist are listed greyed and cannot be opened.
    void setRecentFiles(const QStringList &paths);
    QStringList recentFiles() const;

    /// The selected interfaces' names in list order, and selecting some (unknown names are
    /// ignored), e.g. the last ones captured on.
    QStringList selectedInterfaces() const;
    void setSelectedInterfaces(const QStringList &names);

    /// Snaplen, promiscuous mode, buffer and queue limit of the captures this page requests
    /// (its interfaces and filter replace the ones in `options`). Defaults: ipc::Config's.
    void setCaptureOptions(const ipc::Config &options) { m_options = options; }
    ipc::Config captureOptions() const { return m_options; }

    /// What the message line under the filter says now (pcap's message when invalid).
    QString message() const;

    CaptureFilterEdit *filterEdit() const { return m_filter; }
    QTableView *interfaceView() const;
    QListView *recentFilesView() const { return m_recentView; }
    QAbstractButton *startButton() const { return m_start; }
    QAbstractButton *openButton() const { return m_open; }

public slots:
    /// Requests a capture on the selected interfaces, unless none is or the filter is invalid
    /// (then the message line says so).
    void startSelected();

signals:
    void captureRequested(const pl::ipc::Config &config);
    void openRequested(const QString &path);
    void openDialogRequested();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void showEvent(QShowEvent *event) override;

private:
    void onInterfaceDoubleClicked(const QModelIndex &index);
    void onSelectionChanged();
    void setNotice(const QString &notice);
    void updateState();
    ipc::Config configFor(const QStringList &interfaces) const;

    InterfaceListModel *m_model;
    RecentFilesModel *m_recent;
    ipc::Config m_options;
    QString m_notice; ///< why the last request was refused; cleared by the next edit

    QListView *m_recentView;
    QLabel *m_noRecent;
    QAbstractButton *m_open;
    CaptureFilterEdit *m_filter;
    QLabel *m_message;
    InterfaceTable *m_interfaces;
    QAbstractButton *m_start;
};

} // namespace pl
