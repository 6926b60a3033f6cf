package io.authservice.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import io.authservice.api.ErrorMappers;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;

/**
 * HTTP lives in {@code api/} (and {@code api/http/}): the classes below it refuse a request with a
 * {@code platform.Failure} and know neither JAX-RS nor the API; {@code api.ErrorMappers} alone
 * chooses the status.
 */
class LayerRulesTest {

    private static final String API = "io.authservice.api..";

    static final ArchRule NO_JAX_RS_BELOW_API =
            noClasses()
                    .that()
                    .resideOutsideOfPackage(API)
                    .should()
                    .dependOnClassesThat()
                    .resideInAPackage("jakarta.ws.rs..")
                    .as("no class outside io.authservice.api.. depends on jakarta.ws.rs..")
                    .because(
                            "HTTP statuses and JAX-RS types belong to the edge: below it a request"
                                    + " is refused with a platform.Failure and its Reason");

    static final ArchRule NOTHING_DEPENDS_ON_API =
            noClasses()
                    .that()
                    .resideOutsideOfPackage(API)
                    .should()
                    .dependOnClassesThat()
                    .resideInAPackage(API)
                    .as("no class outside io.authservice.api.. depends on io.authservice.api..")
                    .because("dependencies point downward: api/ uses the capabilities, not back");

    @Test
    void nothingBelowApiDependsOnJaxRs() {
        NO_JAX_RS_BELOW_API.check(NativeRulesTest.APPLICATION);
    }

    @Test
    void nothingBelowApiDependsOnApi() {
        NOTHING_DEPENDS_ON_API.check(NativeRulesTest.APPLICATION);
    }

    /** The rules see a dependency where one is planted, so their passing above means something. */
    @Test
    void theRulesCatchAPlantedDependency() {
        JavaClasses planted = new ClassFileImporter().importClasses(Planted.class);
        assertTrue(NO_JAX_RS_BELOW_API.evaluate(planted).hasViolation());
        assertTrue(NOTHING_DEPENDS_ON_API.evaluate(planted).hasViolation());
    }

    /** Below api/ by its package: a status decided with JAX-RS and the API's table. */
    static final class Planted {
        static boolean notFound(int status) {
            return status == Response.Status.NOT_FOUND.getStatusCode()
                    && status
                            == ErrorMappers.status(
                                    io.authservice.platform.Failure.Reason.NOT_FOUND);
        }
    }
}
