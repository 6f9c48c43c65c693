#pragma once

#include <QDialog>
#include <QList>

class QAction;
class QScrollArea;
class QTabWidget;
class QTableWidget;
class QTextBrowser;

namespace cachelab::ui {

/// Help for a class in front of the lab: first steps, how to read the diagram (its arrows,
/// colours, bands and notes, drawn as the diagram draws them) and every shortcut. The
/// shortcuts are read from the window's own actions, so the list cannot go out of date.
class HelpDialog final : public QDialog
{
    Q_OBJECT

public:
    enum class Page { FirstSteps, Legend, Shortcuts };

    HelpDialog(QList<QAction *> actions, QWidget *parent = nullptr);

    void showPage(Page page);
    /// The shortcut table's rows as "action<TAB>keys", for tests.
    QStringList shortcutRows() const;

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslate();
    void fillLegend();
    void fillShortcuts();

    QList<QAction *> m_actions;
    QTabWidget *m_tabs;
    QTextBrowser *m_firstSteps;
    QScrollArea *m_legend;
    QTableWidget *m_shortcuts;
};

} // namespace cachelab::ui
