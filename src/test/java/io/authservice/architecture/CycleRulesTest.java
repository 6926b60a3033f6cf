package io.authservice.architecture;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import io.authservice.architecture.cycle.a.A;
import org.junit.jupiter.api.Test;

/** Packages depend on each other downward only: no two of them, however far apart, in a circle. */
class CycleRulesTest {

    static final ArchRule NO_PACKAGE_CYCLES =
            slices().matching("io.authservice.(**)")
                    .should()
                    .beFreeOfCycles()
                    .as("no package cycles under io.authservice")
                    .because("each capability looks only downward (README, Layout)");

    @Test
    void noPackageCycles() {
        NO_PACKAGE_CYCLES.check(NativeRulesTest.APPLICATION);
    }

    /** The rule sees a circle where one is planted, so its passing above means something. */
    @Test
    void theRuleCatchesAPlantedCycle() {
        JavaClasses planted =
                new ClassFileImporter().importPackages("io.authservice.architecture.cycle");
        assertTrue(NO_PACKAGE_CYCLES.evaluate(planted).hasViolation(), A.class.getName());
    }
}
