#pragma once

#include <QTableView>

namespace pl {

class InterfaceListModel;

/// The interface table of the start page and the capture dialog: rows of several can be
/// selected, the Traffic column draws its sparkline, widths show names and rates whole, and the
/// selection reads and writes as interface names.
class InterfaceTable : public QTableView
{
    Q_OBJECT
public:
    InterfaceTable(InterfaceListModel *model, QWidget *parent = nullptr);

    InterfaceListModel *interfaceModel() const { return m_model; }
    /// The selected interfaces' names in list order.
    QStringList selectedNames() const;
    /// Selects these interfaces (unknown and uncapturable ones are skipped), the first current.
    void selectNames(const QStringList &names);
    /// The link types of the selected interfaces, for compiling a capture filter.
    QList<quint32> selectedLinkTypes() const;

private:
    QList<int> selectedRowNumbers() const;

    InterfaceListModel *m_model;
};

} // namespace pl
