package io.authservice.clients;

import io.authservice.Await;
import io.authservice.Db;
import io.authservice.OtherSettingsProfile;
import io.authservice.clients.ClientsApi.Registered;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A replica authenticates a client from its last reading for auth.clients.cache-ttl ({@link
 * OtherSettingsProfile#CLIENT_CACHE_TTL}); its own changes count at once.
 */
@QuarkusTest
@TestProfile(OtherSettingsProfile.class)
class ClientCacheTest {

    @Test
    void anotherReplicasDeletionCountsWithinTheTtl() throws Exception {
        Registered client = ClientsApi.machine(Map.of());
        ClientsApi.clientCredentials(client, Map.of()).then().statusCode(200);
        // As another replica would: the row goes without this replica hearing of it.
        Db.update("delete from clients where client_id = ?", client.id());
        ClientsApi.clientCredentials(client, Map.of()).then().statusCode(200);
        int status =
                Await.value(
                        "the deletion seen within the TTL ("
                                + OtherSettingsProfile.CLIENT_CACHE_TTL
                                + " here)",
                        Duration.ofMillis(3_500),
                        () -> ClientsApi.clientCredentials(client, Map.of()).statusCode(),
                        s -> s != 200);
        org.junit.jupiter.api.Assertions.assertEquals(401, status);
    }

    @Test
    void thisReplicasChangesCountAtOnce() {
        Registered client = ClientsApi.machine(Map.of());
        ClientsApi.clientCredentials(client, Map.of()).then().statusCode(200);
        String next =
                ClientsApi.admin()
                        .post("/admin/clients/" + client.id() + "/secret")
                        .then()
                        .statusCode(200)
                        .extract()
                        .path("client_secret");
        ClientsApi.clientCredentials(new Registered(client.id(), next), Map.of())
                .then()
                .statusCode(200);
        ClientsApi.admin().delete("/admin/clients/" + client.id()).then().statusCode(204);
        ClientsApi.clientCredentials(new Registered(client.id(), next), Map.of())
                .then()
                .statusCode(401);
    }
}
