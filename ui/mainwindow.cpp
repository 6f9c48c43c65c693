#include "mainwindow.h"

#include "patterncatalog.h"

#include <QListWidget>
#include <QSplitter>
#include <QStatusBar>
#include <QTextBrowser>

namespace cachelab::ui {

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
{
    setWindowTitle(tr("Cache Lab"));
    m_patterns = new QListWidget(this);
    m_patterns->setAccessibleName(tr("Caching patterns"));
    for (const PatternKind kind : kAllPatterns) {
        auto *item = new QListWidgetItem(patternText(kind).title, m_patterns);
        item->setData(Qt::UserRole, int(kind));
    }
    m_explanation = new QTextBrowser(this);
    m_explanation->setAccessibleName(tr("About the pattern"));

    auto *splitter = new QSplitter(this);
    splitter->addWidget(m_patterns);
    splitter->addWidget(m_explanation);
    splitter->setStretchFactor(1, 1);
    setCentralWidget(splitter);

    connect(m_patterns, &QListWidget::currentRowChanged, this, &MainWindow::showPattern);
    m_patterns->setCurrentRow(0);
    statusBar()->showMessage(tr("Embedded store and SQLite in memory: no server needed"));
    resize(1000, 640);
}

void MainWindow::showPattern(int row)
{
    if (row < 0)
        return;
    const auto kind = PatternKind(m_patterns->item(row)->data(Qt::UserRole).toInt());
    const PatternText text = patternText(kind);
    QString html = QStringLiteral("<h2>%1</h2><p>%2</p><h3>%3</h3><p>%4</p><h3>%5</h3><p>%6</p>")
                       .arg(text.title.toHtmlEscaped(), text.summary.toHtmlEscaped(),
                            tr("Trade-offs"), text.tradeOffs.toHtmlEscaped(), tr("When to use it"),
                            text.whenToUse.toHtmlEscaped());
    html += QStringLiteral("<h3>%1</h3><ul>").arg(tr("Options"));
    for (const OptionInfo &option : optionsOf(kind)) {
        html += QStringLiteral("<li><b>%1</b> (%2) — %3</li>")
                    .arg(option.name, tr("default %1").arg(option.defaultValue),
                         option.summary.toHtmlEscaped());
    }
    html += QStringLiteral("</ul>");
    m_explanation->setHtml(html);
}

} // namespace cachelab::ui
