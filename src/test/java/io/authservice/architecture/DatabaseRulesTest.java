package io.authservice.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import io.authservice.platform.db.Database;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

/**
 * Where the database is used: SQL only in stores ({@code *Store}, {@code *Repository}) and the
 * platform's database package; transactions opened only by use cases, which hand them to the stores
 * ({@code platform.db.Transaction}).
 */
class DatabaseRulesTest {

    private static final String PLATFORM_DB = "io.authservice.platform.db..";

    /** The packages of the use cases: each opens the one transaction it commits. */
    static final String[] USE_CASES = {
        "io.authservice.account..",
        "io.authservice.admin..",
        "io.authservice.maintenance..",
        "io.authservice.oauth.."
    };

    static final ArchRule SQL_ONLY_IN_STORES =
            noClasses()
                    .that()
                    .resideOutsideOfPackage(PLATFORM_DB)
                    .and(not(belongToAStore()))
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(
                            "io.vertx.sqlclient..",
                            "io.vertx.mutiny.sqlclient..",
                            "io.vertx.pgclient..",
                            "io.vertx.mutiny.pgclient..")
                    .orShould()
                    .callMethod(Database.class, "execute", String.class, Tuple.class)
                    .as(
                            "SQL and SQL-client types only in *Store/*Repository classes and platform.db")
                    .because(
                            "every statement lives in the store of its capability; the rest of the"
                                    + " service sees domain types and a platform.db.Transaction");

    static final ArchRule TRANSACTIONS_OPENED_BY_USE_CASES =
            noClasses()
                    .that()
                    .resideOutsideOfPackages(USE_CASES)
                    .and()
                    .resideOutsideOfPackage(PLATFORM_DB)
                    .should()
                    .callMethodWhere(
                            DescribedPredicate.describe(
                                    "Database.inTransaction",
                                    call ->
                                            call.getTargetOwner().isEquivalentTo(Database.class)
                                                    && call.getName().equals("inTransaction")))
                    .as("only use cases (account, admin, maintenance, oauth) open transactions")
                    .because(
                            "what must change together commits together, once: the use case opens"
                                    + " the transaction and hands it to the stores");

    @Test
    void sqlLivesOnlyInStores() {
        SQL_ONLY_IN_STORES.check(NativeRulesTest.APPLICATION);
    }

    @Test
    void onlyUseCasesOpenTransactions() {
        TRANSACTIONS_OPENED_BY_USE_CASES.check(NativeRulesTest.APPLICATION);
    }

    /** The rules see what is planted outside a store and a use case, so their passing means it. */
    @Test
    void theRulesCatchPlantedSqlAndTransactions() {
        JavaClasses planted = new ClassFileImporter().importClasses(Planted.class);
        assertTrue(SQL_ONLY_IN_STORES.evaluate(planted).hasViolation());
        assertTrue(TRANSACTIONS_OPENED_BY_USE_CASES.evaluate(planted).hasViolation());
    }

    /** A class named *Store or *Repository, or one nested in it. */
    static DescribedPredicate<JavaClass> belongToAStore() {
        return DescribedPredicate.describe(
                "belong to a *Store or *Repository class",
                javaClass -> {
                    JavaClass top = javaClass;
                    while (top.getEnclosingClass().isPresent()) {
                        top = top.getEnclosingClass().get();
                    }
                    String name = top.getSimpleName();
                    return name.endsWith("Store") || name.endsWith("Repository");
                });
    }

    /** Neither a store nor a use case by its name and package: SQL and a transaction of its own. */
    static final class Planted {
        static Uni<Object> work(Database database) {
            return database.execute("select 1", Tuple.tuple())
                    .chain(() -> database.inTransaction(tx -> Uni.createFrom().nullItem()));
        }
    }
}
