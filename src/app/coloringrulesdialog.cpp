#include "coloringrulesdialog.h"

#include <QBrush>
#include <QColorDialog>
#include <QDialogButtonBox>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QSaveFile>
#include <QTableView>
#include <QVBoxLayout>

namespace pl {

namespace {

const QString kRowMime = QStringLiteral("application/x-packetlens-coloring-rule-row");
// Wireshark's default gui.filter.invalid.bg: the colour of a filter that does not compile.
const QColor kInvalidFilter(0xff, 0xaf, 0xaf);

QColor colorOf(const QVariant &value)
{
    if (value.metaType() == QMetaType::fromType<QBrush>())
        return value.value<QBrush>().color();
    return value.value<QColor>();
}

} // namespace

ColoringRulesModel::ColoringRulesModel(QObject *parent) : QAbstractTableModel(parent) {}

ColoringRulesModel::RowState ColoringRulesModel::check(ColoringRule &rule) const
{
    RowState state;
    state.error = ColoringRules::filterError(rule.filter);
    if (!state.error.isEmpty() && rule.enabled) {
        rule.enabled = false;
        state.autoDisabled = true;
    }
    return state;
}

void ColoringRulesModel::setRules(const QList<ColoringRule> &rules)
{
    beginResetModel();
    m_rules = rules;
    m_rows.clear();
    for (ColoringRule &rule : m_rules)
        m_rows.append(check(rule));
    endResetModel();
}

int ColoringRulesModel::insertRule(int row, const ColoringRule &rule)
{
    row = std::clamp(row, 0, int(m_rules.size()));
    beginInsertRows({}, row, row);
    m_rules.insert(row, rule);
    m_rows.insert(row, check(m_rules[row]));
    endInsertRows();
    return row;
}

void ColoringRulesModel::recheck(int row)
{
    ColoringRule &rule = m_rules[row];
    RowState &state = m_rows[row];
    state.error = ColoringRules::filterError(rule.filter);
    if (!state.error.isEmpty() && rule.enabled) {
        rule.enabled = false;
        state.autoDisabled = true;
    } else if (state.error.isEmpty() && state.autoDisabled) {
        rule.enabled = true; // the user fixed the filter of a rule we had switched off
        state.autoDisabled = false;
    }
}

int ColoringRulesModel::firstInvalidRow() const
{
    for (int r = 0; r < m_rows.size(); ++r)
        if (!m_rows[r].error.isEmpty())
            return r;
    return -1;
}

int ColoringRulesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rules.size());
}

int ColoringRulesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ColoringRulesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ColoringRule &rule = m_rules[index.row()];
    const RowState &state = m_rows[index.row()];
    const bool invalidCell = index.column() == Filter && !state.error.isEmpty();
    switch (role) {
    case Qt::DisplayRole:
    case Qt::EditRole:
        return index.column() == Name ? rule.name : rule.filter;
    case Qt::CheckStateRole:
        if (index.column() == Name)
            return rule.enabled ? Qt::Checked : Qt::Unchecked;
        return {};
    case Qt::ForegroundRole:
        if (invalidCell)
            return QBrush(Qt::black);
        return rule.foreground.isValid() ? QVariant(QBrush(rule.foreground)) : QVariant();
    case Qt::BackgroundRole:
        if (invalidCell)
            return QBrush(kInvalidFilter);
        return rule.background.isValid() ? QVariant(QBrush(rule.background)) : QVariant();
    case Qt::ToolTipRole:
        return state.error.isEmpty() ? rule.filter : state.error;
    default:
        return {};
    }
}

bool ColoringRulesModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return false;
    const int row = index.row();
    ColoringRule &rule = m_rules[row];
    RowState &state = m_rows[row];
    switch (role) {
    case Qt::EditRole:
        if (index.column() == Name) {
            const QString name = value.toString().trimmed();
            if (name.isEmpty() || name == rule.name)
                return false;
            rule.name = name;
        } else {
            const QString filter = value.toString().trimmed();
            if (filter == rule.filter)
                return false;
            rule.filter = filter;
            recheck(row);
        }
        break;
    case Qt::CheckStateRole: {
        if (index.column() != Name)
            return false;
        const bool enable = Qt::CheckState(value.toInt()) == Qt::Checked;
        if (enable && !state.error.isEmpty())
            return false; // the invariant: enabled rules compile
        if (enable == rule.enabled)
            return false;
        rule.enabled = enable;
        state.autoDisabled = false;
        break;
    }
    case Qt::ForegroundRole:
    case Qt::BackgroundRole: {
        const QColor color = colorOf(value);
        if (!color.isValid())
            return false;
        (role == Qt::ForegroundRole ? rule.foreground : rule.background) = color;
        break;
    }
    default:
        return false;
    }
    // Every column shows the colours and the enabled state's consequences.
    emit dataChanged(this->index(row, 0), this->index(row, ColumnCount - 1));
    return true;
}

Qt::ItemFlags ColoringRulesModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::ItemIsDropEnabled; // drops land between rows, never on a rule
    Qt::ItemFlags f = Qt::ItemIsSelectable | Qt::ItemIsEnabled | Qt::ItemIsEditable |
                      Qt::ItemIsDragEnabled | Qt::ItemNeverHasChildren;
    if (index.column() == Name)
        f |= Qt::ItemIsUserCheckable;
    return f;
}

QVariant ColoringRulesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Name:
        return tr("Name");
    case Filter:
        return tr("Filter");
    default:
        return {};
    }
}

bool ColoringRulesModel::removeRows(int row, int count, const QModelIndex &parent)
{
    if (parent.isValid() || row < 0 || count <= 0 || row + count > m_rules.size())
        return false;
    beginRemoveRows(parent, row, row + count - 1);
    m_rules.remove(row, count);
    m_rows.remove(row, count);
    endRemoveRows();
    return true;
}

bool ColoringRulesModel::moveRows(const QModelIndex &sourceParent, int sourceRow, int count,
                                  const QModelIndex &destinationParent, int destinationChild)
{
    if (sourceParent.isValid() || destinationParent.isValid() || count <= 0 || sourceRow < 0 ||
        sourceRow + count > m_rules.size() || destinationChild < 0 ||
        destinationChild > m_rules.size())
        return false;
    // Refuses moves into the moved block itself (and no-op moves).
    if (!beginMoveRows(sourceParent, sourceRow, sourceRow + count - 1, destinationParent,
                       destinationChild))
        return false;
    for (int i = 0; i < count; ++i) {
        if (destinationChild > sourceRow) {
            m_rules.move(sourceRow, destinationChild - 1);
            m_rows.move(sourceRow, destinationChild - 1);
        } else {
            m_rules.move(sourceRow + i, destinationChild + i);
            m_rows.move(sourceRow + i, destinationChild + i);
        }
    }
    endMoveRows();
    return true;
}

Qt::DropActions ColoringRulesModel::supportedDropActions() const
{
    return Qt::MoveAction;
}

QStringList ColoringRulesModel::mimeTypes() const
{
    return {kRowMime};
}

QMimeData *ColoringRulesModel::mimeData(const QModelIndexList &indexes) const
{
    if (indexes.isEmpty())
        return nullptr;
    auto *data = new QMimeData;
    data->setData(kRowMime, QByteArray::number(indexes.first().row()));
    return data;
}

bool ColoringRulesModel::canDropMimeData(const QMimeData *data, Qt::DropAction action, int, int,
                                         const QModelIndex &) const
{
    return data && action == Qt::MoveAction && data->hasFormat(kRowMime);
}

bool ColoringRulesModel::dropMimeData(const QMimeData *data, Qt::DropAction action, int row,
                                      int column, const QModelIndex &parent)
{
    if (!canDropMimeData(data, action, row, column, parent))
        return false;
    bool ok = false;
    const int source = data->data(kRowMime).toInt(&ok);
    if (!ok || source < 0 || source >= m_rules.size())
        return false;
    if (row < 0) // dropped onto a rule (or below the last): goes before it (or at the end)
        row = parent.isValid() ? parent.row() : int(m_rules.size());
    moveRows({}, source, 1, {}, row);
    return false; // see the header: we moved it ourselves
}

// ---------------------------------------------------------------------------------------------

ColoringRulesDialog::ColoringRulesDialog(QList<ColoringRule> rules, QWidget *parent)
    : QDialog(parent), m_model(new ColoringRulesModel(this)), m_view(new QTableView(this)),
      m_copy(new QPushButton(tr("&Copy"), this)), m_delete(new QPushButton(tr("&Delete"), this)),
      m_up(new QPushButton(tr("Move &Up"), this)), m_down(new QPushButton(tr("Move Do&wn"), this)),
      m_foreground(new QPushButton(tr("&Foreground…"), this)),
      m_background(new QPushButton(tr("&Background…"), this)), m_error(new QLabel(this)),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel |
                                         QDialogButtonBox::RestoreDefaults,
                                     this))
{
    setWindowTitle(tr("Coloring Rules"));
    m_model->setRules(rules);

    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed |
                            QAbstractItemView::SelectedClicked);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setShowGrid(false);
    m_view->setWordWrap(false);
    m_view->setDragEnabled(true);
    m_view->setDragDropMode(QAbstractItemView::InternalMove);
    m_view->setDefaultDropAction(Qt::MoveAction);
    m_view->setDropIndicatorShown(true);
    const int charWidth = fontMetrics().horizontalAdvance(QLatin1Char('x'));
    m_view->setColumnWidth(ColoringRulesModel::Name, charWidth * 28);
    m_view->setMinimumWidth(charWidth * 90);
    // Room for the default rules without scrolling (a table's own hint shows about six).
    m_view->setMinimumHeight(m_view->verticalHeader()->defaultSectionSize() * 16);

    auto *hint = new QLabel(tr("Rules are tried from the top: the first enabled rule that "
                               "matches colours the packet. Double-click a name or filter to "
                               "edit it, drag a rule to move it."),
                            this);
    hint->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #c00000"));
    m_error->setWordWrap(true);

    auto *add = new QPushButton(tr("&Add"), this);
    auto *row = new QHBoxLayout;
    for (QPushButton *b : {add, m_copy, m_delete, m_up, m_down, m_foreground, m_background})
        row->addWidget(b);
    row->addStretch(1);

    QPushButton *import = m_buttons->addButton(tr("&Import…"), QDialogButtonBox::ActionRole);
    QPushButton *exportButton = m_buttons->addButton(tr("E&xport…"), QDialogButtonBox::ActionRole);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(hint);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_error);
    layout->addLayout(row);
    layout->addWidget(m_buttons);

    connect(add, &QPushButton::clicked, this, &ColoringRulesDialog::addRule);
    connect(m_copy, &QPushButton::clicked, this, &ColoringRulesDialog::copyRule);
    connect(m_delete, &QPushButton::clicked, this, &ColoringRulesDialog::deleteRule);
    connect(m_up, &QPushButton::clicked, this, &ColoringRulesDialog::moveUp);
    connect(m_down, &QPushButton::clicked, this, &ColoringRulesDialog::moveDown);
    connect(m_foreground, &QPushButton::clicked, this, [this] { chooseColor(Qt::ForegroundRole); });
    connect(m_background, &QPushButton::clicked, this, [this] { chooseColor(Qt::BackgroundRole); });
    connect(import, &QPushButton::clicked, this, &ColoringRulesDialog::importClicked);
    connect(exportButton, &QPushButton::clicked, this, &ColoringRulesDialog::exportClicked);
    connect(m_buttons->button(QDialogButtonBox::RestoreDefaults), &QPushButton::clicked, this,
            [this] { m_model->setRules(ColoringRules::defaults()); });
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &ColoringRulesDialog::updateState);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &ColoringRulesDialog::updateState);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &ColoringRulesDialog::updateState);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &ColoringRulesDialog::updateState);
    connect(m_model, &QAbstractItemModel::rowsMoved, this, &ColoringRulesDialog::updateState);
    connect(m_model, &QAbstractItemModel::modelReset, this, &ColoringRulesDialog::updateState);
    updateState();
}

QList<ColoringRule> ColoringRulesDialog::rules() const
{
    return m_model->rules();
}

int ColoringRulesDialog::currentRow() const
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    return rows.isEmpty() ? -1 : rows.first().row();
}

void ColoringRulesDialog::setCurrentRow(int row)
{
    if (row < 0 || row >= m_model->rowCount()) {
        m_view->selectionModel()->clearSelection();
        return;
    }
    m_view->setCurrentIndex(m_model->index(row, ColoringRulesModel::Name));
    m_view->selectionModel()->select(m_model->index(row, 0), QItemSelectionModel::ClearAndSelect |
                                                                 QItemSelectionModel::Rows);
}

void ColoringRulesDialog::addRule()
{
    // Above the selected rule, or at the top: a new rule should win over the catch-all
    // TCP/UDP rules at the bottom.
    ColoringRule rule;
    rule.name = tr("New coloring rule");
    rule.foreground = palette().color(QPalette::Text);
    rule.background = palette().color(QPalette::Base);
    const int row = m_model->insertRule(std::max(currentRow(), 0), rule);
    setCurrentRow(row);
    m_view->edit(m_model->index(row, ColoringRulesModel::Filter));
}

void ColoringRulesDialog::copyRule()
{
    const int current = currentRow();
    if (current < 0)
        return;
    const int row = m_model->insertRule(current + 1, m_model->rules().at(current));
    setCurrentRow(row);
}

void ColoringRulesDialog::deleteRule()
{
    const int current = currentRow();
    if (current < 0)
        return;
    m_model->removeRows(current, 1);
    setCurrentRow(std::min(current, m_model->rowCount() - 1));
}

void ColoringRulesDialog::moveUp()
{
    const int current = currentRow();
    if (current > 0)
        m_model->moveRows({}, current, 1, {}, current - 1); // the selection follows
}

void ColoringRulesDialog::moveDown()
{
    const int current = currentRow();
    if (current >= 0 && current + 1 < m_model->rowCount())
        m_model->moveRows({}, current, 1, {}, current + 2);
}

void ColoringRulesDialog::chooseColor(int role)
{
    const int current = currentRow();
    if (current < 0)
        return;
    const ColoringRule &rule = m_model->rules().at(current);
    const bool foreground = role == Qt::ForegroundRole;
    const QColor chosen =
        QColorDialog::getColor(foreground ? rule.foreground : rule.background, this,
                               foreground ? tr("Foreground of “%1”").arg(rule.name)
                                          : tr("Background of “%1”").arg(rule.name));
    if (chosen.isValid())
        m_model->setData(m_model->index(current, 0), chosen, role);
}

bool ColoringRulesDialog::importFile(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = tr("Cannot read %1: %2").arg(path, file.errorString());
        return false;
    }
    const QList<ColoringRule> imported =
        ColoringRules::parse(QString::fromUtf8(file.readAll()), error);
    for (const ColoringRule &rule : imported)
        m_model->insertRule(m_model->rowCount(), rule);
    return true;
}

bool ColoringRulesDialog::exportFile(const QString &path, QString *error) const
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) ||
        file.write(ColoringRules::serialize(m_model->rules()).toUtf8()) < 0 || !file.commit()) {
        if (error)
            *error = tr("Cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

void ColoringRulesDialog::importClicked()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Import Coloring Rules"));
    if (path.isEmpty())
        return;
    QString error;
    const bool ok = importFile(path, &error);
    if (!error.isEmpty())
        QMessageBox::warning(this, tr("Import Coloring Rules"),
                             ok ? tr("Some lines of %1 were not imported as they "
                                     "are:\n\n%2")
                                      .arg(path, error)
                                : error);
}

void ColoringRulesDialog::exportClicked()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Coloring Rules"),
                                                      QStringLiteral("colorfilters"));
    if (path.isEmpty())
        return;
    QString error;
    if (!exportFile(path, &error))
        QMessageBox::warning(this, tr("Export Coloring Rules"), error);
}

void ColoringRulesDialog::updateState()
{
    const int current = currentRow();
    for (QPushButton *b : {m_copy, m_delete, m_foreground, m_background})
        b->setEnabled(current >= 0);
    m_up->setEnabled(current > 0);
    m_down->setEnabled(current >= 0 && current + 1 < m_model->rowCount());

    // The selected rule's problem if it has one, else the first rule's that has one.
    int bad = current >= 0 && !m_model->filterError(current).isEmpty() ? current
                                                                       : m_model->firstInvalidRow();
    if (bad < 0) {
        m_error->clear();
        m_error->hide();
    } else {
        m_error->setText(tr("Rule “%1” is disabled: %2")
                             .arg(m_model->rules().at(bad).name, m_model->filterError(bad)));
        m_error->show();
    }
}

} // namespace pl
