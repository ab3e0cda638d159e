package io.moesim.gui;

import io.moesim.gui.viewmodel.ValidationViewModel;
import java.io.File;
import java.nio.file.Path;
import java.util.function.Function;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.stage.FileChooser;
import javafx.util.StringConverter;

/**
 * The validation view: runs the published cases ({@code validation/published-runs.csv}) and shows
 * reported vs predicted with the relative error per figure (errors beyond 20% in red), and the median
 * and worst error.
 */
public final class ValidationView extends BorderPane {
    public ValidationView(ValidationViewModel vm) {
        TextField cases = new TextField();
        cases.setId("validation-cases");
        cases.setPrefColumnCount(36);
        cases.textProperty().bindBidirectional(vm.casesFileProperty(), new StringConverter<>() {
            @Override
            public String toString(Path p) {
                return p == null ? "" : p.toString();
            }

            @Override
            public Path fromString(String s) {
                return s == null || s.isBlank() ? null : Path.of(s.strip());
            }
        });
        Button browse = new Button("Browse…");
        browse.setOnAction(e -> {
            FileChooser fc = new FileChooser();
            fc.setTitle("Published cases (CSV)");
            fc.getExtensionFilters().add(new FileChooser.ExtensionFilter("CSV", "*.csv"));
            Path current = vm.casesFileProperty().get();
            if (current != null && current.getParent() != null && current.getParent().toFile().isDirectory()) {
                fc.setInitialDirectory(current.getParent().toFile());
            }
            File f = fc.showOpenDialog(getScene().getWindow());
            if (f != null) {
                vm.casesFileProperty().set(f.toPath());
            }
        });
        Button run = new Button("Run validation");
        run.setId("validation-run");
        run.setOnAction(e -> vm.run());
        run.disableProperty().bind(vm.runningProperty());
        Button cancel = new Button("Cancel");
        cancel.setOnAction(e -> vm.cancel());
        cancel.disableProperty().bind(vm.runningProperty().not());
        ProgressBar progress = new ProgressBar();
        progress.progressProperty().bind(vm.progressProperty());
        progress.visibleProperty().bind(vm.runningProperty());
        Label status = new Label();
        status.setId("validation-status");
        status.setWrapText(true);
        status.textProperty().bind(vm.statusProperty());
        HBox bar = new HBox(6, new Label("cases"), cases, browse, run, cancel);
        HBox.setHgrow(cases, Priority.ALWAYS);
        cases.setMinWidth(160);
        bar.getChildren().stream().filter(n -> n != cases && n instanceof javafx.scene.layout.Region)
                .forEach(n -> ((javafx.scene.layout.Region) n).setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE));
        bar.setAlignment(Pos.CENTER_LEFT);
        HBox state = new HBox(8, progress, status);
        state.setAlignment(Pos.CENTER_LEFT);
        javafx.scene.layout.VBox top = new javafx.scene.layout.VBox(4, bar, state);
        top.setPadding(new Insets(6));
        setTop(top);

        TableView<ValidationViewModel.RowView> table = new TableView<>(vm.rows());
        table.setId("validation-table");
        table.getColumns().add(column("case", 330, ValidationViewModel.RowView::caseId));
        table.getColumns().add(column("metric", 150, ValidationViewModel.RowView::metric));
        table.getColumns().add(column("reported", 120, ValidationViewModel.RowView::reported));
        table.getColumns().add(column("predicted", 110, ValidationViewModel.RowView::predicted));
        TableColumn<ValidationViewModel.RowView, String> error = column("error", 140, ValidationViewModel.RowView::error);
        error.setCellFactory(c -> new TableCell<>() {
            @Override
            protected void updateItem(String item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty ? null : item);
                ValidationViewModel.RowView r = empty || getTableRow() == null ? null : getTableRow().getItem();
                setStyle(r != null && r.absError() > 0.2 ? "-fx-text-fill: #b00020;" : "");
            }
        });
        table.getColumns().add(error);
        table.setPlaceholder(new Label("Run validation to compare the published runs with their simulation."));
        setCenter(table);
        Label summary = new Label();
        summary.setId("validation-summary");
        summary.setPadding(new Insets(6));
        summary.textProperty().bind(vm.summaryProperty());
        setBottom(summary);
    }

    private static TableColumn<ValidationViewModel.RowView, String> column(String title, double width,
            Function<ValidationViewModel.RowView, String> f) {
        TableColumn<ValidationViewModel.RowView, String> c = new TableColumn<>(title);
        c.setPrefWidth(width);
        c.setCellValueFactory(cell -> new ReadOnlyStringWrapper(f.apply(cell.getValue())));
        return c;
    }
}
