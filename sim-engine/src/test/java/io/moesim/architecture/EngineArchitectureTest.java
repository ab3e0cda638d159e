package io.moesim.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.moesim.architecture.fixtures.CallsSystemExit;
import io.moesim.architecture.fixtures.HasGlobalState;
import io.moesim.architecture.fixtures.ImportsJackson;
import io.moesim.architecture.fixtures.PrintsToConsole;
import io.moesim.architecture.fixtures.UsesAwt;
import org.junit.jupiter.api.Test;

class EngineArchitectureTest {

    private static JavaClasses production() {
        return new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.moesim");
    }

    @Test
    void engineFollowsItsRules() {
        JavaClasses classes = production();
        assertThat(classes).isNotEmpty();
        EngineRules.ALL.check(classes);
    }

    @Test
    void importingJacksonBreaksTheBuild() {
        var result = EngineRules.JDK_ONLY.evaluate(new ClassFileImporter().importClasses(ImportsJackson.class));
        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().toString()).contains("com.fasterxml.jackson");
    }

    @Test
    void awtIsForbiddenToo() {
        assertThat(EngineRules.JDK_ONLY.evaluate(new ClassFileImporter().importClasses(UsesAwt.class)).hasViolation())
                .isTrue();
    }

    @Test
    void printingBreaksTheBuild() {
        var result = EngineRules.NO_CONSOLE.evaluate(new ClassFileImporter().importClasses(PrintsToConsole.class));
        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().toString()).contains("System.out");
    }

    @Test
    void exitingBreaksTheBuild() {
        assertThat(EngineRules.NO_EXIT.evaluate(new ClassFileImporter().importClasses(CallsSystemExit.class))
                .hasViolation()).isTrue();
    }

    @Test
    void mutableStaticFieldBreaksTheBuild() {
        assertThat(EngineRules.NO_GLOBAL_STATE.evaluate(new ClassFileImporter().importClasses(HasGlobalState.class))
                .hasViolation()).isTrue();
    }
}
