#pragma once

#include <QLineEdit>
#include <QList>
#include <QTimer>

namespace pl {

/// A capture filter field (tcpdump syntax) that compiles what the user types with libpcap:
/// green when it compiles, red with pcap's own message when it does not, neutral when empty.
/// The filter is compiled for every link type the owner sets (the chosen interfaces'), since
/// "ether host …" compiles for Ethernet and not for raw IP.
class CaptureFilterEdit : public QLineEdit
{
    Q_OBJECT
public:
    /// Typing pauses this long before the filter is compiled: a host name in the expression
    /// goes to the system resolver, which should not run on every keystroke.
    static constexpr int TypingDelayMs = 150;

    explicit CaptureFilterEdit(QWidget *parent = nullptr);

    /// The trimmed text.
    QString filter() const;

    /// The LINKTYPE_* values to compile for (Ethernet when given none).
    void setLinkTypes(const QList<quint32> &linkTypes);
    void setLinkType(quint32 linkType) { setLinkTypes({linkType}); }
    QList<quint32> linkTypes() const { return m_linkTypes; }

    /// Whether the current text compiles (an empty filter does). Compiles a pending edit first.
    bool isValid() const;
    /// pcap's message when !isValid(), else empty.
    QString errorString() const;

    /// Empty when `filter` compiles for `linkType`, else pcap's message.
    static QString compileError(const QString &filter, quint32 linkType);

signals:
    /// The verdict changed; emitted after the colours and errorString() follow.
    void validityChanged(bool valid);
    /// After every compile, also when only the message changed.
    void validated();

private:
    void validate();

    QList<quint32> m_linkTypes{1};
    QTimer m_delay;
    bool m_valid = true;
    QString m_error;
    QString m_validated; ///< the text m_valid and m_error describe
};

} // namespace pl
