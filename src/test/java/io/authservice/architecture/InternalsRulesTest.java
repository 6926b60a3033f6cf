package io.authservice.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/** Vert.x implementation classes, which change without notice, fenced into one class per client. */
class InternalsRulesTest {

    static final ArchRule VERTX_INTERNALS_IN_ONE_CLASS_EACH =
            noClasses()
                    .that()
                    .doNotHaveFullyQualifiedName("io.authservice.platform.db.Connections")
                    .and()
                    .doNotHaveFullyQualifiedName("io.authservice.api.http.VertxInternals")
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage("io.vertx..impl..")
                    .as(
                            "only platform.db.Connections (the SQL client) and api.http.VertxInternals"
                                    + " (the HTTP server) use Vert.x implementation classes")
                    .because(
                            "an upgrade that changes them then breaks one class, which its test names");

    @Test
    void vertxInternalsAreUsedByOneClassEach() {
        VERTX_INTERNALS_IN_ONE_CLASS_EACH.check(NativeRulesTest.APPLICATION);
    }

    /** The rule sees a planted use, so its passing means it. */
    @Test
    void theRuleCatchesAPlantedUse() {
        assertTrue(
                VERTX_INTERNALS_IN_ONE_CLASS_EACH
                        .evaluate(new ClassFileImporter().importClasses(Planted.class))
                        .hasViolation());
    }

    static final class Planted {
        static Object internal() {
            return io.vertx.sqlclient.impl.SocketConnectionBase.class;
        }
    }
}
