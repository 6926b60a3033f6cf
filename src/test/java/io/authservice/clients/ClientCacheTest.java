package io.authservice.clients;

import io.authservice.Db;
import io.authservice.clients.ClientsApi.Registered;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A replica authenticates a client from its last reading for auth.clients.cache-ttl; its own
 * changes count at once.
 */
@QuarkusTest
@TestProfile(ClientCacheTest.Cached.class)
class ClientCacheTest {

    public static class Cached implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("auth.clients.cache-ttl", "PT3S");
        }
    }

    @Test
    void anotherReplicasDeletionCountsWithinTheTtl() throws Exception {
        Registered client = ClientsApi.machine(Map.of());
        ClientsApi.clientCredentials(client, Map.of()).then().statusCode(200);
        // As another replica would: the row goes without this replica hearing of it.
        Db.update("delete from clients where client_id = ?", client.id());
        ClientsApi.clientCredentials(client, Map.of()).then().statusCode(200);
        Thread.sleep(3_500);
        ClientsApi.clientCredentials(client, Map.of()).then().statusCode(401);
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
