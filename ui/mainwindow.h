#pragma once

#include "appsettings.h"
#include "diagramthinner.h"
#include "helpdialog.h"

#include <scenario/scenario.h>
#include <trace/traceevent.h>
#include <workload/workload.h>

#include <QElapsedTimer>
#include <QMainWindow>
#include <QPointer>
#include <QTimer>

class QActionGroup;
class QComboBox;
class QDockWidget;
class QLabel;
class QSlider;
class QLineEdit;
class QSpinBox;
class QTabWidget;
class QTextBrowser;
class QToolBar;
class QToolButton;

namespace cachelab::ui {

class CacheListing;
class CacheModel;
class ChartsPanel;
class ComparisonWindow;
class TradeoffsWindow;
class DatabaseModel;
class MetricsChartModel;
class ReplayController;
class WorkloadPanel;
class DiagramView;
class FlushGauge;
class L1Model;
class LabController;
class StatePanel;
class WriteQueueModel;
class RefreshQueueModel;
class BreakerModel;

/// The main window: the sequence diagram in the middle, the story and the state panels beside
/// it, playback on top and the application's own operations at the bottom.
class MainWindow final : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(const AppSettings &settings, QWidget *parent = nullptr);
    ~MainWindow() override;

    /// Loads a scenario file (paused at its first command). Returns a message on failure.
    std::optional<QString> openScenario(const QString &path);
    /// A lab to drive by hand. Returns a message on failure.
    std::optional<QString> startLab(PatternKind pattern, const PatternOptions &options = {},
                                    int clients = 1);
    /// The lab the app opens with: cache-aside over a database that holds user:1 and user:2.
    std::optional<QString> startExampleLab();
    /// Plays the scenario to its end at full speed (or until the command on `untilLine`) and
    /// lets the diagram and panels catch up: for screenshots.
    void playToEnd(int untilLine = 0);
    /// Shows the window where it was last closed, with its docks and bars as they were; the
    /// first time, fitted to the screen (maximized on a projector's 1280×720).
    void showOnScreen();
    /// The help window (one at a time), open at `page`.
    HelpDialog *showHelp(HelpDialog::Page page = HelpDialog::Page::FirstSteps);

    LabController *controller() const { return m_controller; }
    DiagramView *diagram() const { return m_diagram; }
    CacheModel *cacheModel() const { return m_cacheModel; }
    DatabaseModel *databaseModel() const { return m_databaseModel; }
    L1Model *l1Model() const { return m_l1Model; }
    WriteQueueModel *writeQueueModel() const { return m_writeQueueModel; }
    RefreshQueueModel *refreshQueueModel() const { return m_refreshQueueModel; }
    BreakerModel *breakerModel() const { return m_breakerModel; }
    /// Pulls every panel up to date now (tests; the controller's frame does it otherwise).
    void refreshPanels();

    // --- measuring -------------------------------------------------------------------------
    WorkloadPanel *workloadPanel() const { return m_workloadPanel; }
    QDockWidget *workloadDock() const { return m_workloadDock; }
    MetricsChartModel *chartModel() const { return m_chartModel; }
    ChartsPanel *chartsPanel() const { return m_chartsPanel; }
    QDockWidget *chartsDock() const { return m_chartsDock; }
    /// What the diagram leaves out while a workload is too fast to read.
    const DiagramThinner &thinner() const { return m_thinner; }
    /// Opens (or raises) the comparison window.
    ComparisonWindow *showComparison();
    /// Opens (or raises) the trade-off curves.
    TradeoffsWindow *showTradeoffs();
    /// A new lab with `pattern`, `options` and `latencies`, and `workload` ready in the
    /// workload panel: a point of the trade-off curves, to watch.
    std::optional<QString> openRun(PatternKind pattern, const PatternOptions &options,
                                   const Latencies &latencies, const WorkloadSpec &workload);

    // --- sessions --------------------------------------------------------------------------
    /// Writes everything done to the current lab so far as a session file.
    std::optional<QString> saveSession(const QString &path);
    /// Reads a session file and replays it (the live lab waits, paused). A damaged or foreign
    /// file changes nothing and gives the reason.
    std::optional<QString> openSession(const QString &path);
    /// Back from a replay to the live lab.
    void leaveReplay();
    ReplayController *replay() const { return m_replay; }

protected:
    void changeEvent(QEvent *event) override;
    void closeEvent(QCloseEvent *event) override;
    /// Asks whether to save a session with unsaved work; false: keep the window open.
    bool confirmClose();

private:
    void createActions();
    void createMenus();
    void createToolBars();
    void createCentre();
    void connectController();
    void retranslate();

    void onLabReset();
    void onTraceEvent(const TraceEvent &event);
    void onStateChanged();
    bool panelsThrottled() const;
    void updateThinning();
    void rebuildDiagram(Lab &lab);
    Lab *shownLab();
    void createDocks();
    void createReplayBar();
    void onReplayEvent(const TraceEvent &event);
    void onReplayPosition(qint64 t, bool rebuilt);
    void updateReplayUi();
    void updateReplayNarration();
    void saveSessionDialog();
    void openSessionDialog();
    void onCommandStarted(int index, const scenario::Command &command);
    void onExpectation(const scenario::Command &command, bool held, const QString &actual);
    void onOperationFinished(const Operation &op);
    void onTimeAdvanced(qint64 now);
    void showMessageDetails(const TraceEvent &event);
    void updateNarration();
    void updatePlaybackUi();
    void updateWindowTitle();
    void showPanelsForPattern();
    void runOperation(Operation::Kind kind);
    void burst();
    void sayWhenPaused();
    void changeDatabase();
    void applyLabBar();
    void syncLabBar();
    void applyZoom(double zoom);

    void openScenarioDialog();
    void openDemo(const QString &resource);
    void newLabDialog();
    void restart();
    void exportSvg();
    void exportPng();
    void exportMermaid();
    void settingsDialog();
    void setLanguage(const QString &code);
    void setDark(bool dark);
    void reportError(const QString &title, const QString &message);

    AppSettings m_settings;
    LabController *m_controller;
    DiagramView *m_diagram;

    CacheModel *m_cacheModel;
    DatabaseModel *m_databaseModel;
    CacheListing *m_cacheListing;
    L1Model *m_l1Model;
    WriteQueueModel *m_writeQueueModel;
    RefreshQueueModel *m_refreshQueueModel;
    BreakerModel *m_breakerModel;
    StatePanel *m_cachePanel = nullptr;
    StatePanel *m_databasePanel = nullptr;
    StatePanel *m_l1Panel = nullptr;
    StatePanel *m_queuePanel = nullptr;
    StatePanel *m_refreshPanel = nullptr;
    StatePanel *m_breakerPanel = nullptr;
    FlushGauge *m_flushGauge = nullptr;

    QTabWidget *m_sideTabs = nullptr;
    QTextBrowser *m_narration = nullptr;
    QTextBrowser *m_details = nullptr;

    // the story so far
    QString m_scenarioPath;
    int m_commandIndex = -1;
    QStringList m_checks; // expectations of the current passage, as HTML list items
    int m_held = 0;
    int m_failed = 0;
    QString m_pendingStatus; // the last operation's outcome, shown at the next frame

    QToolBar *m_playbackBar = nullptr;
    QToolBar *m_tryBar = nullptr;
    QComboBox *m_speed = nullptr;
    QLabel *m_speedLabel = nullptr;
    QLabel *m_clock = nullptr;
    QLabel *m_progress = nullptr;
    QToolBar *m_labBar = nullptr;
    QLabel *m_patternLabel = nullptr;
    QComboBox *m_pattern = nullptr;
    QLabel *m_instancesLabel = nullptr;
    QSpinBox *m_instances = nullptr;
    QLabel *m_optionsLabel = nullptr;
    QLineEdit *m_options = nullptr;
    QComboBox *m_client = nullptr;
    QComboBox *m_key = nullptr;
    QSpinBox *m_burstCount = nullptr;
    QFont m_baseFont;
    QLineEdit *m_value = nullptr;
    QLabel *m_keyLabel = nullptr;
    QLabel *m_valueLabel = nullptr;

    QMenu *m_fileMenu = nullptr;
    QMenu *m_demoMenu = nullptr;
    QMenu *m_exportMenu = nullptr;
    QMenu *m_playMenu = nullptr;
    QMenu *m_viewMenu = nullptr;
    QMenu *m_languageMenu = nullptr;
    QMenu *m_helpMenu = nullptr;
    QMenu *m_measureMenu = nullptr;

    MetricsChartModel *m_chartModel = nullptr;
    ChartsPanel *m_chartsPanel = nullptr;
    QDockWidget *m_chartsDock = nullptr;
    WorkloadPanel *m_workloadPanel = nullptr;
    QDockWidget *m_workloadDock = nullptr;
    ComparisonWindow *m_comparison = nullptr;
    TradeoffsWindow *m_tradeoffs = nullptr;
    DiagramThinner m_thinner;
    int m_bannerKeep = 1; // the one-in-N the banner says
    bool m_toldLogFull = false;
    QElapsedTimer m_panelClock; // since the panels were last brought up to date under load
    QTimer m_panelTimer;        // a refresh put off under load, done at the end of the interval

    ReplayController *m_replay = nullptr;
    QPointer<HelpDialog> m_help;
    DiagramThinner m_replayThinner;
    bool m_wasPlaying = false;
    QString m_replayName;
    QToolBar *m_replayBar = nullptr;
    QLabel *m_replayTitle = nullptr;
    QSlider *m_replaySlider = nullptr;
    QLabel *m_replayClock = nullptr;
    QLabel *m_replaySpeedLabel = nullptr;
    QComboBox *m_replaySpeed = nullptr;
    QLabel *m_replayNote = nullptr;
    TimeUs m_replayTarget = -1; // a seek the slider asked for, done at the next pass
    QList<QPair<TimeUs, QString>> m_replayCommands; // the session's commands, when they ran
    qsizetype m_replayShown = -2;                   // how many of them the story shows

    QAction *m_openAction = nullptr;
    QAction *m_newLabAction = nullptr;
    QAction *m_restartAction = nullptr;
    QAction *m_exportSvgAction = nullptr;
    QAction *m_exportPngAction = nullptr;
    QAction *m_exportMermaidAction = nullptr;
    QAction *m_settingsAction = nullptr;
    QAction *m_quitAction = nullptr;
    QAction *m_playAction = nullptr;
    QAction *m_stepAction = nullptr;
    QAction *m_skipQuietAction = nullptr;
    QAction *m_zoomInAction = nullptr;
    QAction *m_zoomOutAction = nullptr;
    QAction *m_zoomResetAction = nullptr;
    QAction *m_followAction = nullptr;
    QAction *m_darkAction = nullptr;
    QAction *m_englishAction = nullptr;
    QAction *m_germanAction = nullptr;
    QAction *m_helpAction = nullptr;
    QAction *m_aboutAction = nullptr;
    QAction *m_readAction = nullptr;
    QAction *m_writeAction = nullptr;
    QAction *m_deleteAction = nullptr;
    QAction *m_invalidateAction = nullptr;
    QAction *m_cacheDownAction = nullptr;
    QAction *m_dbDownAction = nullptr;
    QAction *m_crashAction = nullptr;
    QAction *m_burstAction = nullptr;
    QAction *m_dbPutAction = nullptr;
    QAction *m_clearAction = nullptr;
    QAction *m_fullScreenAction = nullptr;
    QAction *m_applyLabAction = nullptr;
    QAction *m_saveSessionAction = nullptr;
    QAction *m_openSessionAction = nullptr;
    QAction *m_compareAction = nullptr;
    QAction *m_tradeoffsAction = nullptr;
    QAction *m_saveChartsAction = nullptr;
    QAction *m_replayPlayAction = nullptr;
    QAction *m_leaveReplayAction = nullptr;
};

} // namespace cachelab::ui
