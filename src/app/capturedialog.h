#pragma once

#include "ipc/messages.h"

#include <QDialog>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace pl {

/// Capture > Start…: the interface to capture on and a capture filter, which turns red with
/// pcap's own message while it does not compile.
class CaptureDialog : public QDialog
{
    Q_OBJECT
public:
    explicit CaptureDialog(QWidget *parent = nullptr);

    QString interfaceName() const;
    /// What to start: the chosen interface(s), the filter and the capture options.
    ipc::Config config() const;
    QString filter() const;
    /// Empty when the filter compiles, else pcap's message.
    QString filterError() const { return m_filterError; }
    void setFilter(const QString &filter);

private:
    void validate();

    QComboBox *m_interfaces;
    QLineEdit *m_filter;
    QLabel *m_message;
    QDialogButtonBox *m_buttons;
    QString m_filterError;
};

} // namespace pl
