#pragma once

#include <QWidget>

class QLabel;
class QLineEdit;

namespace pl {

/// Wireshark's Go to Packet bar (Go > Go to Packet…, Ctrl+G): a packet number field, Go and
/// close buttons, and a message for a number that does not exist or is not displayed. It
/// only asks; the owner selects the packet and answers with setError() when it cannot.
class GoToPacketBar : public QWidget
{
    Q_OBJECT
public:
    explicit GoToPacketBar(QWidget *parent = nullptr);

    QLineEdit *lineEdit() const { return m_number; }
    /// Focuses the number field with its text selected.
    void focusNumber();
    /// Shows why the number cannot be gone to (empty: no message).
    void setError(const QString &error);
    QString error() const;

signals:
    /// Enter or Go with a number.
    void goToRequested(quint64 number);
    /// Esc or the close button.
    void closed();

protected:
    void keyPressEvent(QKeyEvent *event) override;

private:
    void request();

    QLineEdit *m_number;
    QLabel *m_error;
};

} // namespace pl
