#pragma once

#include <workload/sweep.h>

#include <QDialog>

#include <optional>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

QT_BEGIN_NAMESPACE
class QAbstractAxis;
class QChart;
class QChartView;
QT_END_NAMESPACE

namespace cachelab::ui {

class SweepRunner;
class WorkloadForm;

/// Trade-off curves: one setting varied over a range (TTL, L1 size, batch, write ratio,
/// database latency, …), the chosen patterns measured at each value over several seeds, and
/// one measure drawn per pattern as a curve inside its 95% confidence band. The sweep runs in
/// the background on every core and the curves grow as points come in; Cancel stops it.
/// Curves export as PNG, SVG or CSV. Clicking a point asks for that run in the lab.
class TradeoffsWindow final : public QDialog
{
    Q_OBJECT

public:
    explicit TradeoffsWindow(const LabConfig &base, QWidget *parent = nullptr);
    ~TradeoffsWindow() override;

    WorkloadForm *form() const { return m_form; }
    QChart *chart() const { return m_chart; }
    SweepRunner *runner() const { return m_runner; }
    const SweepResult &result() const { return m_result; }

    /// The sweep the controls describe, or a message saying which control is wrong.
    std::variant<SweepSpec, QString> spec() const;
    /// Sets the controls: what to vary and over which range.
    void setRange(const QString &name, const QString &from, const QString &to, int points,
                  bool logarithmic);
    void setMeasure(Measure measure);
    void setPatterns(const QList<PatternKind> &patterns);
    void setSeeds(int seeds);
    /// Starts the sweep the controls describe (the Run button); false if invalid or running.
    bool run();
    void cancel();
    bool running() const;

    std::optional<QString> savePng(const QString &path) const;
    std::optional<QString> saveSvg(const QString &path) const;
    std::optional<QString> saveCsv(const QString &path) const;

Q_SIGNALS:
    /// A point was clicked: open that pattern with these settings in the lab, with the
    /// sweep's workload ready to start.
    void openRun(cachelab::PatternKind pattern, const cachelab::PatternOptions &options,
                 const cachelab::Latencies &latencies, const cachelab::WorkloadSpec &workload);
    /// The sweep finished (or was cancelled); the chart shows every point it measured.
    void sweepFinished();

protected:
    void changeEvent(QEvent *event) override;
    void closeEvent(QCloseEvent *event) override;

private:
    void retranslate();
    void onAxisChosen();
    void onPoint(const SweepPoint &point);
    void redraw();
    void clicked(PatternKind pattern, double x);
    void updateButtons();
    void exportDialog();
    double xOf(int index) const;

    LabConfig m_base;
    QLabel *m_varyLabel;
    QComboBox *m_vary;
    QLabel *m_rangeLabel;
    QLineEdit *m_from;
    QLineEdit *m_to;
    QLabel *m_pointsLabel;
    QSpinBox *m_points;
    QCheckBox *m_log;
    QLabel *m_measureLabel;
    QComboBox *m_measure;
    QLabel *m_seedsLabel;
    QSpinBox *m_seeds;
    QLabel *m_patternsLabel;
    QList<QCheckBox *> m_patternBoxes;
    WorkloadForm *m_form;
    QPushButton *m_run;
    QPushButton *m_cancel;
    QPushButton *m_export;
    QProgressBar *m_progress;
    QLabel *m_status;
    QChart *m_chart;
    QChartView *m_view;
    SweepRunner *m_runner;
    SweepSpec m_running;  // the spec of the sweep shown
    SweepResult m_result; // its points so far
};

} // namespace cachelab::ui
