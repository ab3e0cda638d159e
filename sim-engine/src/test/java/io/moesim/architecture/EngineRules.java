package io.moesim.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;

/**
 * The architecture rules of {@code sim-engine} (see docs/architecture.md): it is a library that
 * depends on the JDK only, never prints, never exits the JVM, and keeps no global mutable state.
 * Maven-enforcer bans non-JDK dependencies at build level; these rules ban them at code level.
 */
final class EngineRules {
    private EngineRules() {
    }

    /** Only the JDK and moe-sim's own engine packages; no desktop or SQL APIs either. */
    static final ArchRule JDK_ONLY = noClasses().that().resideInAPackage("io.moesim..")
            .should().dependOnClassesThat().resideOutsideOfPackages("java..", "io.moesim..")
            .orShould().dependOnClassesThat().resideInAnyPackage("java.awt..", "javax.swing..", "java.sql..",
                    "java.util.logging..")
            .because("sim-engine is a JDK-only library: JSON, CSV, JavaFX, JFreeChart, JCuda, Jenetics and "
                    + "picocli belong in the other modules");

    /** The engine reports through return values and listeners, not the console. */
    static final ArchRule NO_CONSOLE = noClasses().that().resideInAPackage("io.moesim..")
            .should().accessField(System.class, "out")
            .orShould().accessField(System.class, "err")
            .orShould().callMethod(Throwable.class, "printStackTrace")
            .because("only the CLI's main prints");

    /** Only the CLI's main decides the exit code. */
    static final ArchRule NO_EXIT = noClasses().that().resideInAPackage("io.moesim..")
            .should().callMethod(System.class, "exit", int.class)
            .orShould().callMethod(Runtime.class, "exit", int.class)
            .orShould().callMethod(Runtime.class, "halt", int.class)
            .because("only the CLI's main calls System.exit");

    /** No global mutable state: every static field is final. */
    static final ArchRule NO_GLOBAL_STATE = fields().that().areStatic().and().areDeclaredInClassesThat()
            .resideInAPackage("io.moesim..")
            .should().beFinal()
            .because("the engine has no global mutable state (deterministic, thread-safe runs)");

    static final ArchRule ALL = CompositeArchRule.of(JDK_ONLY).and(NO_CONSOLE).and(NO_EXIT).and(NO_GLOBAL_STATE);
}
