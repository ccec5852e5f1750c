#include "sparklinedelegate.h"

#include "interfacelistmodel.h"

#include <QApplication>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>

namespace pl {

namespace {

constexpr int Gap = 6;            // between the line and the rate text
constexpr int MinLineWidth = 60;  // narrower than this says nothing about a trend
constexpr int VerticalMargin = 3; // keeps the line off the grid lines

// The text column is as wide as a five-digit rate, so every row's line starts and ends at the
// same x and lines of different rows compare at a glance.
int textReserve(const QFontMetrics &fm, const QString &text)
{
    return std::max(fm.horizontalAdvance(InterfaceListModel::rateText(99999)),
                    fm.horizontalAdvance(text));
}

} // namespace

SparklineDelegate::SparklineDelegate(QObject *parent) : QStyledItemDelegate(parent) {}

void SparklineDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                              const QModelIndex &index) const
{
    QStyleOptionViewItem opt(option);
    initStyleOption(&opt, index);
    const QString text = opt.text;
    opt.text.clear();
    const QWidget *widget = opt.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    // Background, selection and focus frame as any other cell has them.
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);

    const QList<qreal> history = index.data(InterfaceListModel::HistoryRole).value<QList<qreal>>();
    if (history.isEmpty())
        return;

    const QPalette::ColorGroup group = !(opt.state & QStyle::State_Enabled) ? QPalette::Disabled
                                       : (opt.state & QStyle::State_Active) ? QPalette::Active
                                                                            : QPalette::Inactive;
    const bool selected = opt.state & QStyle::State_Selected;
    const QColor textColor =
        opt.palette.color(group, selected ? QPalette::HighlightedText : QPalette::Text);
    const QColor lineColor = selected ? textColor : opt.palette.color(group, QPalette::Highlight);

    // The same inner margin the style gives cell text, so the rate lines up with the header.
    const int hMargin = style->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, widget) + 1;
    const QRect content = opt.rect.adjusted(hMargin, VerticalMargin, -hMargin, -VerticalMargin);
    const int reserve = textReserve(opt.fontMetrics, text);
    painter->save();
    painter->setPen(textColor);
    painter->setFont(opt.font);
    painter->drawText(
        QRect(content.right() - reserve + 1, content.top(), reserve, content.height()),
        Qt::AlignRight | Qt::AlignVCenter, text);

    const QRectF line(content.left(), content.top(), content.width() - reserve - Gap,
                      content.height());
    if (line.width() >= 8 && line.height() >= 4) {
        const qreal peak = *std::max_element(history.begin(), history.end());
        const qreal step = line.width() / (InterfaceListModel::HistoryLength - 1);
        QPolygonF points;
        points.reserve(history.size());
        // The newest rate sits at the right edge; older ones scroll off to the left.
        for (qsizetype k = 0; k < history.size(); ++k) {
            const qreal x = line.right() - qreal(history.size() - 1 - k) * step;
            const qreal y =
                peak > 0 ? line.bottom() - history[k] / peak * line.height() : line.bottom();
            points.append(QPointF(x, y));
        }
        // A faint baseline over the whole minute, so a young history reads as the recent end
        // of a chart rather than a stray mark.
        QColor base = lineColor;
        base.setAlpha(70);
        painter->setPen(QPen(base, 1));
        painter->drawLine(QPointF(line.left(), line.bottom()),
                          QPointF(line.right(), line.bottom()));
        painter->setRenderHint(QPainter::Antialiasing);
        if (points.size() > 1) {
            QPolygonF area = points;
            area.append(QPointF(points.last().x(), line.bottom()));
            area.append(QPointF(points.first().x(), line.bottom()));
            QColor fill = lineColor;
            fill.setAlpha(60);
            painter->setPen(Qt::NoPen);
            painter->setBrush(fill);
            painter->drawPolygon(area);
            painter->setBrush(Qt::NoBrush);
            painter->setPen(QPen(lineColor, 1.5, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
            painter->drawPolyline(points);
        } else {
            painter->setPen(QPen(lineColor, 3, Qt::SolidLine, Qt::RoundCap));
            painter->drawPoint(points.first());
        }
    }
    painter->restore();
}

QSize SparklineDelegate::sizeHint(const QStyleOptionViewItem &option,
                                  const QModelIndex &index) const
{
    QStyleOptionViewItem opt(option);
    initStyleOption(&opt, index);
    const QSize base = QStyledItemDelegate::sizeHint(option, index);
    return QSize(
        std::max(base.width(), MinLineWidth + Gap + textReserve(opt.fontMetrics, opt.text) + 8),
        base.height());
}

} // namespace pl
