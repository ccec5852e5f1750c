#include "capturefilteredit.h"

#include "capture/capturefilter.h"

#include <QPalette>

namespace pl {

namespace {

// Light enough for black text on either theme; the text colour is set with them.
const QColor ValidBase(0xd7, 0xf7, 0xd7);
const QColor InvalidBase(0xff, 0xd0, 0xd0);

} // namespace

CaptureFilterEdit::CaptureFilterEdit(QWidget *parent) : QLineEdit(parent)
{
    setPlaceholderText(tr("Capture filter, e.g. tcp port 443 (tcpdump syntax)"));
    setClearButtonEnabled(true);
    m_delay.setSingleShot(true);
    m_delay.setInterval(TypingDelayMs);
    connect(&m_delay, &QTimer::timeout, this, &CaptureFilterEdit::validate);
    // Typing waits for a pause; text set by the program is judged at once.
    connect(this, &QLineEdit::textEdited, this, [this] { m_delay.start(); });
    connect(this, &QLineEdit::textChanged, this, [this] {
        if (!m_delay.isActive())
            validate();
    });
}

QString CaptureFilterEdit::filter() const
{
    return text().trimmed();
}

void CaptureFilterEdit::setLinkTypes(const QList<quint32> &linkTypes)
{
    QList<quint32> types;
    for (quint32 t : linkTypes)
        if (t != 0 && !types.contains(t))
            types.append(t);
    if (types.isEmpty())
        types.append(1); // what most interfaces are; the helper compiles again when it starts
    if (types == m_linkTypes)
        return;
    m_linkTypes = types;
    validate();
}

bool CaptureFilterEdit::isValid() const
{
    if (m_delay.isActive() || m_validated != filter())
        const_cast<CaptureFilterEdit *>(this)->validate();
    return m_valid;
}

QString CaptureFilterEdit::errorString() const
{
    return isValid() ? QString() : m_error;
}

QString CaptureFilterEdit::compileError(const QString &filter, quint32 linkType)
{
    // The helper compiles with the real snap length; the verdict does not depend on it.
    std::vector<sock_filter> program;
    std::string error;
    if (capture::compileFilter(filter.trimmed().toStdString(), linkType, 262144, program, error))
        return {};
    return error.empty() ? tr("invalid filter") : QString::fromStdString(error);
}

void CaptureFilterEdit::validate()
{
    m_delay.stop();
    const QString f = filter();
    QString error;
    if (!f.isEmpty()) {
        for (quint32 linkType : std::as_const(m_linkTypes)) {
            error = compileError(f, linkType);
            if (!error.isEmpty())
                break;
        }
    }
    m_validated = f;
    m_error = error;
    const bool valid = error.isEmpty();

    if (f.isEmpty()) {
        setPalette(QPalette()); // back to the inherited colours
    } else {
        QPalette p;
        p.setColor(QPalette::Base, valid ? ValidBase : InvalidBase);
        p.setColor(QPalette::Text, Qt::black);
        setPalette(p);
    }
    setToolTip(m_error);

    const bool changed = valid != m_valid;
    m_valid = valid;
    if (changed)
        emit validityChanged(valid);
    emit validated();
}

} // namespace pl
