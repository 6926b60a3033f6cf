package io.authservice.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.lang.ArchRule;
import io.authservice.platform.db.Database;
import org.junit.jupiter.api.Test;

/**
 * Users are a domain below the use cases: {@code users/} opens no transaction (the use cases in
 * {@code admin/} and {@code account/} do), and within it only the repository speaks SQL.
 */
class UserRulesTest {

    static final ArchRule NO_TRANSACTION_OPENED_IN_USERS =
            noClasses()
                    .that()
                    .resideInAPackage("io.authservice.users..")
                    .should()
                    .callMethodWhere(
                            DescribedPredicate.describe(
                                    "Database.inTransaction",
                                    call ->
                                            call.getTargetOwner().isEquivalentTo(Database.class)
                                                    && call.getName().equals("inTransaction")))
                    .because(
                            "a use case (admin/, account/) opens the one transaction of what must commit together; users/ takes it");

    static final ArchRule SQL_ONLY_IN_USER_REPOSITORY =
            noClasses()
                    .that()
                    .resideInAPackage("io.authservice.users..")
                    .and()
                    .haveSimpleNameNotEndingWith("Repository")
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage("io.vertx..sqlclient..", "io.vertx..pgclient..")
                    .because(
                            "every statement on users, and the mapping of its rows, is in UserRepository");

    @Test
    void usersOpenNoTransaction() {
        NO_TRANSACTION_OPENED_IN_USERS.check(NativeRulesTest.APPLICATION);
    }

    @Test
    void withinUsersOnlyTheRepositoryUsesTheSqlClient() {
        SQL_ONLY_IN_USER_REPOSITORY.check(NativeRulesTest.APPLICATION);
    }
}
