#pragma once

#include "coloringrules.h"

#include <QAbstractTableModel>
#include <QDialog>

class QDialogButtonBox;
class QLabel;
class QPushButton;
class QTableView;

namespace pl {

/// The rules of the coloring rules editor, one row each: Name (with the enabled checkbox) and
/// Filter, every row painted in its rule's colours. Foreground/BackgroundRole are editable
/// (QColor or QBrush).
///
/// Invariant, as Wireshark applies it: an enabled rule's filter compiles. A rule whose filter
/// is empty or does not compile is disabled (its checkbox cannot be checked), its Filter cell
/// is drawn on the invalid-filter red and filterError() says why; once its filter is fixed a
/// rule disabled that way is enabled again. A rule the user unchecked stays unchecked.
class ColoringRulesModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Name, Filter, ColumnCount };

    explicit ColoringRulesModel(QObject *parent = nullptr);

    /// Replaces every rule (disabling those whose filter does not compile).
    void setRules(const QList<ColoringRule> &rules);
    const QList<ColoringRule> &rules() const { return m_rules; }
    /// Inserts `rule` before `row` (checked like setRules()); returns its row.
    int insertRule(int row, const ColoringRule &rule);
    /// Why the rule at `row` cannot be enabled; empty when its filter compiles.
    QString filterError(int row) const { return m_rows.value(row).error; }
    /// The first row whose filter does not compile, -1 when none.
    int firstInvalidRow() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    bool removeRows(int row, int count, const QModelIndex &parent = {}) override;
    bool moveRows(const QModelIndex &sourceParent, int sourceRow, int count,
                  const QModelIndex &destinationParent, int destinationChild) override;

    // Dragging a row reorders the rules (within this model only).
    Qt::DropActions supportedDropActions() const override;
    QStringList mimeTypes() const override;
    QMimeData *mimeData(const QModelIndexList &indexes) const override;
    bool canDropMimeData(const QMimeData *data, Qt::DropAction action, int row, int column,
                         const QModelIndex &parent) const override;
    /// Moves the dragged row; returns false even then, so that the view does not also
    /// remove the "moved" source row as it does after a MoveAction drop.
    bool dropMimeData(const QMimeData *data, Qt::DropAction action, int row, int column,
                      const QModelIndex &parent) override;

private:
    struct RowState
    {
        QString error;             ///< why the filter cannot be used; empty when it can
        bool autoDisabled = false; ///< disabled because of `error`, not by the user
    };
    RowState check(ColoringRule &rule) const;
    void recheck(int row);

    QList<ColoringRule> m_rules;
    QList<RowState> m_rows; // parallel to m_rules
};

/// View > Coloring Rules…: edits the coloring rules like Wireshark's dialog. The list shows
/// each rule in its colours; names and filters are edited in place, the checkbox enables a
/// rule; buttons add (at the top, where it wins), copy, delete and move rules (rows can also
/// be dragged), pick the selected rule's colours, and import/export Wireshark colorfilters
/// files (import appends). A rule whose filter does not compile is shown disabled with its
/// filter on red and the error under the list; OK stays available and keeps it disabled.
class ColoringRulesDialog : public QDialog
{
    Q_OBJECT
public:
    explicit ColoringRulesDialog(QList<ColoringRule> rules, QWidget *parent = nullptr);

    /// The edited rules, in priority order.
    QList<ColoringRule> rules() const;

    ColoringRulesModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    /// The selected row, -1 when none.
    int currentRow() const;
    void setCurrentRow(int row);

    /// Appends the rules of a colorfilters file; false with `*error` when it cannot be read.
    /// Problems with single lines (see ColoringRules::parse) also go to `*error`, but the
    /// readable rules are appended and the result is true.
    bool importFile(const QString &path, QString *error);
    /// Writes every rule to a colorfilters file.
    bool exportFile(const QString &path, QString *error) const;

    // The buttons' actions, for tests and shortcuts.
    void addRule();
    void copyRule();
    void deleteRule();
    void moveUp();
    void moveDown();

private:
    void chooseColor(int role);
    void importClicked();
    void exportClicked();
    void updateState();

    ColoringRulesModel *m_model;
    QTableView *m_view;
    QPushButton *m_copy, *m_delete, *m_up, *m_down, *m_foreground, *m_background;
    QLabel *m_error;
    QDialogButtonBox *m_buttons;
};

} // namespace pl
