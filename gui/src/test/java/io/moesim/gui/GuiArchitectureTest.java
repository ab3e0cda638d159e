package io.moesim.gui;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The GUI's MVVM layering (JabRef's rules, enforced from the first commit): views bind to view-models
 * and never reach the engine, workloads, profiles or search; view-models never touch the scene graph,
 * stages or charts, so they stay testable without a window.
 */
class GuiArchitectureTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.moesim.gui");

    /** Views: io.moesim.gui itself (not its viewmodel package). */
    static final ArchRule VIEWS_USE_VIEW_MODELS_ONLY = noClasses()
            .that().resideInAPackage("io.moesim.gui")
            .should().dependOnClassesThat().resideInAnyPackage("io.moesim.workload..", "io.moesim.engine..",
                    "io.moesim.profiles..", "io.moesim.search..", "io.moesim.io..", "io.moesim.cost..")
            .because("views bind only to view-models; only view-models call the engine, profiles and search");

    static final ArchRule VIEW_MODELS_HAVE_NO_SCENE_GRAPH = noClasses()
            .that().resideInAPackage("io.moesim.gui.viewmodel..")
            .should().dependOnClassesThat().resideInAnyPackage("javafx.scene..", "javafx.stage..", "org.jfree..",
                    "io.moesim.gui")
            .because("view-models are testable without a toolkit window (properties, beans, collections and "
                    + "javafx.concurrent are fine)");

    static final ArchRule NO_CLI = noClasses()
            .that().resideInAPackage("io.moesim.gui..")
            .should().dependOnClassesThat().resideInAPackage("io.moesim.cli..")
            .because("the CLI starts the GUI, not the other way round");

    @Test
    void viewsUseViewModelsOnly() {
        VIEWS_USE_VIEW_MODELS_ONLY.check(MAIN);
    }

    @Test
    void viewModelsHaveNoSceneGraph() {
        VIEW_MODELS_HAVE_NO_SCENE_GRAPH.check(MAIN);
    }

    @Test
    void guiNeverUsesTheCli() {
        NO_CLI.check(MAIN);
    }

    @Test
    void theRulesSeeTheCode() {
        assertThat(MAIN.containPackage("io.moesim.gui.viewmodel")).isTrue();
        assertThat(MAIN.stream().filter(c -> c.getPackageName().equals("io.moesim.gui")).count()).isGreaterThan(5);
    }

    @Test
    void theRulesFireOnViolations() {
        JavaClasses fixtures = new ClassFileImporter().importPackages("io.moesim.gui.archfixture");
        ArchRule viewRule = noClasses().that().resideInAPackage("io.moesim.gui.archfixture")
                .and().haveSimpleName("ViewReachingTheEngine")
                .should().dependOnClassesThat().resideInAnyPackage("io.moesim.workload..", "io.moesim.engine..");
        assertThatThrownBy(() -> viewRule.check(fixtures)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("io.moesim.engine");
        ArchRule vmRule = noClasses().that().resideInAPackage("io.moesim.gui.archfixture")
                .and().haveSimpleName("ViewModelDrawing")
                .should().dependOnClassesThat().resideInAnyPackage("javafx.scene..");
        assertThatThrownBy(() -> vmRule.check(fixtures)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("javafx.scene");
    }
}
