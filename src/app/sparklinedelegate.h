#pragma once

#include <QStyledItemDelegate>

namespace pl {

/// Paints InterfaceListModel's Traffic column: the packets/s history (HistoryRole) as a small
/// polyline scaled to its own maximum, with the current rate written at the right. A cell
/// without history (a fresh or unsampled interface) shows only its background.
class SparklineDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    explicit SparklineDelegate(QObject *parent = nullptr);

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
};

} // namespace pl
