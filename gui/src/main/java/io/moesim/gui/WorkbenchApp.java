package io.moesim.gui;

import io.moesim.gui.viewmodel.BackgroundWork;
import io.moesim.gui.viewmodel.WorkbenchViewModel;
import java.nio.file.Path;
import java.util.List;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.stage.Stage;

/**
 * The desktop workbench as a JavaFX {@link Application}: one window (at least 1280×800) with the
 * {@link MainView}; the first parameter, if any, is a scenario file to open. Start it with
 * {@link Workbench#launch(Path)}.
 */
public final class WorkbenchApp extends Application {
    /** Smallest window size the layout is made for. */
    static final double MIN_WIDTH = 1280;
    static final double MIN_HEIGHT = 800;

    private WorkbenchViewModel vm;

    @Override
    public void start(Stage stage) {
        vm = new WorkbenchViewModel(BackgroundWork.forMachine(Platform::runLater), Path.of("").toAbsolutePath());
        MainView view = new MainView(vm);
        stage.setScene(new Scene(view, 1440, 900));
        stage.setMinWidth(MIN_WIDTH);
        stage.setMinHeight(MIN_HEIGHT);
        stage.titleProperty().bind(javafx.beans.binding.Bindings.createStringBinding(() -> {
            Path f = vm.editor().fileProperty().get();
            return "moe-sim workbench" + (f == null ? "" : " — " + f.getFileName());
        }, vm.editor().fileProperty()));
        stage.show();
        List<String> params = getParameters().getUnnamed();
        if (!params.isEmpty()) {
            vm.editor().load(Path.of(params.get(0)));
        }
        if (vm.editor().scenarioProperty().get() != null) {
            vm.simulation().simulate();
        }
    }

    @Override
    public void stop() {
        if (vm != null) {
            vm.close();
        }
    }
}
