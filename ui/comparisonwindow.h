#pragma once

#include <workload/comparison.h>

#include <QDialog>
#include <QElapsedTimer>

#include <array>

class QLabel;
class QLineEdit;
class QProgressBar;
class QSplitter;
class QPushButton;
class QTableView;

QT_BEGIN_NAMESPACE
class QChart;
class QChartView;
QT_END_NAMESPACE

namespace cachelab::ui {

class ComparisonModel;
class ComparisonRunner;
class WorkloadForm;

/// One workload through all seven patterns: the workload, Compare / Cancel with a progress
/// bar (the comparison runs in a worker thread; this window stays responsive), the result
/// table with the textbook's words beside the measured figures, bar charts of the main
/// columns, and CSV / Markdown export (core's own formats).
class ComparisonWindow final : public QDialog
{
    Q_OBJECT

public:
    explicit ComparisonWindow(const LabConfig &base, QWidget *parent = nullptr);
    ~ComparisonWindow() override;

    WorkloadForm *form() const { return m_form; }
    ComparisonModel *model() const { return m_model; }
    ComparisonRunner *runner() const { return m_runner; }
    QTableView *table() const { return m_table; }
    /// Starts the comparison of the form's workload (the Compare button). False if running.
    bool run();
    void cancel();
    bool running() const;

    std::optional<QString> saveCsv(const QString &path) const;
    std::optional<QString> saveMarkdown(const QString &path) const;

Q_SIGNALS:
    /// The comparison finished (or was cancelled) and the table shows it.
    void resultsShown();

protected:
    void changeEvent(QEvent *event) override;
    void closeEvent(QCloseEvent *event) override;
    void showEvent(QShowEvent *event) override;

private:
    enum Bars { HitRatioBars, ReadBars, WriteBars, DatabaseBars, LostBars, BarsCount };
    void onFinished(const Comparison &comparison);
    void updateCharts();
    void fitTable();
    void updateButtons();
    void retranslate();
    void exportDialog(bool markdown);

    LabConfig m_base;
    WorkloadForm *m_form;
    QLabel *m_optionsLabel;
    QLineEdit *m_options;
    QLabel *m_crashNote;
    QPushButton *m_run;
    QPushButton *m_cancel;
    QProgressBar *m_progress;
    QLabel *m_status;
    QTableView *m_table;
    QSplitter *m_split = nullptr;
    std::array<QChartView *, BarsCount> m_bars{};
    QPushButton *m_csv;
    QPushButton *m_markdown;
    QPushButton *m_close;
    ComparisonModel *m_model;
    ComparisonRunner *m_runner;
    QElapsedTimer m_clock; // wall time of the run
};

} // namespace cachelab::ui
