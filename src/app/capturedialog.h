#pragma once

#include "app/capturecontroller.h"
#include "ipc/messages.h"

#include <QDialog>

class QCheckBox;
class QDialogButtonBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QTableView;

namespace pl {

class CaptureFilterEdit;
class InterfaceListModel;
class InterfaceTable;

/// Capture > Options…: the interfaces to capture on (several at once), a capture filter
/// checked as one types (red with pcap's message while it does not compile), and the snap
/// length, promiscuous mode and kernel buffer size. Start stays disabled until at least one
/// interface is chosen and the filter compiles for every chosen interface's link type.
class CaptureDialog : public QDialog
{
    Q_OBJECT
public:
    /// Lists `model`'s interfaces when given (the start page's, with its traffic history),
    /// else its own over the real ones. The list is live while the dialog exists; a shared
    /// model gets its previous liveness back when the dialog goes.
    explicit CaptureDialog(QWidget *parent = nullptr, InterfaceListModel *model = nullptr);
    ~CaptureDialog() override;

    /// What to start: the chosen interfaces in list order, the filter and the options.
    ipc::Config config() const;
    /// Stop after N packets / seconds / MiB, and the ring buffer (0: no limit).
    CaptureLimits limits() const;
    void setLimits(const CaptureLimits &limits);
    /// Chooses `config`'s interfaces (those that still exist) and shows its filter and
    /// options; fields the dialog does not show (queue limit) pass through to config().
    void setConfig(const ipc::Config &config);

    QString filter() const;
    void setFilter(const QString &filter);
    /// Empty when the filter compiles, else pcap's message.
    QString filterError() const;

    InterfaceListModel *interfaceModel() const { return m_model; }
    QTableView *interfaceView() const;
    CaptureFilterEdit *filterEdit() const { return m_filter; }
    QPushButton *startButton() const;

private:
    void updateState();

    InterfaceListModel *m_model;
    bool m_modelWasLive = false;
    ipc::Config m_base; ///< setConfig()'s, for the fields without a control
    InterfaceTable *m_interfaces;
    QList<QSpinBox *> m_limitBoxes; ///< packets, seconds, MiB, ring file MiB, ring files
    CaptureFilterEdit *m_filter;
    QLabel *m_message;
    QSpinBox *m_snaplen;
    QCheckBox *m_promiscuous;
    QSpinBox *m_buffer;
    QDialogButtonBox *m_buttons;
};

} // namespace pl
